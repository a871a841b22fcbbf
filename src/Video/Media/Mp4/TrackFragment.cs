namespace Platform.Video.Media.Mp4;

/// <summary>One track's samples in a movie fragment.</summary>
/// <param name="TrackId">The track id from the init segment (1-based position).</param>
/// <param name="BaseMediaDecodeTime">Decode time of the first sample in the track's timescale (<c>tfdt</c>).</param>
/// <param name="Samples">The samples in decode order.</param>
public sealed record TrackFragment(int TrackId, ulong BaseMediaDecodeTime, IReadOnlyList<FragmentSample> Samples);
