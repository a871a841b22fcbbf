namespace Platform.Video.Media;

/// <summary>
/// A track's codec configuration. Every ingest protocol states it before the track's first access unit and
/// again whenever it changes; a change starts a new init segment and a discontinuity in playback.
/// </summary>
/// <param name="Kind">Video or audio.</param>
/// <param name="Codec">The codec.</param>
/// <param name="Timescale">Ticks per second of the track's <see cref="AccessUnit.Dts"/> and <see cref="AccessUnit.Pts"/>:
/// 90,000 for video; the sample rate for audio (48,000 for Opus).</param>
/// <param name="CodecPrivate">H.264: the AVCDecoderConfigurationRecord (avcC, ISO/IEC 14496-15). AAC: the
/// AudioSpecificConfig (ISO/IEC 14496-3). Opus: empty (the muxer writes the dOps box from <paramref name="Channels"/>).</param>
/// <param name="Width">Video width in pixels (0 for audio).</param>
/// <param name="Height">Video height in pixels (0 for audio).</param>
/// <param name="SampleRate">Audio sample rate in Hz (0 for video).</param>
/// <param name="Channels">Audio channel count (0 for video).</param>
public sealed record TrackConfig(
    TrackKind Kind,
    MediaCodec Codec,
    int Timescale,
    ReadOnlyMemory<byte> CodecPrivate,
    int Width = 0,
    int Height = 0,
    int SampleRate = 0,
    int Channels = 0)
{
    /// <summary>True when <paramref name="other"/> describes the same decoder set-up (so no new init segment is needed).</summary>
    public bool SameDecoderSetup(TrackConfig? other) =>
        other is not null && other.Kind == Kind && other.Codec == Codec && other.Timescale == Timescale &&
        other.Width == Width && other.Height == Height && other.SampleRate == SampleRate && other.Channels == Channels &&
        other.CodecPrivate.Span.SequenceEqual(CodecPrivate.Span);
}
