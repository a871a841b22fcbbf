namespace Platform.Video.Media.Mp4;

/// <summary>One sample of a track run.</summary>
/// <param name="Duration">Duration in the track's timescale.</param>
/// <param name="CompositionOffset">PTS − DTS in the track's timescale (negative allowed: trun version 1).</param>
/// <param name="IsSync">True for a sync sample (IDR frame, every audio frame).</param>
/// <param name="Data">The sample bytes as stored in mdat.</param>
public readonly record struct FragmentSample(uint Duration, int CompositionOffset, bool IsSync, ReadOnlyMemory<byte> Data);
