using Platform.Video.Media;
using Platform.Video.Media.H264;

namespace Platform.Video.Tests.Media;

/// <summary>Track configurations built from real encoder output, shared by muxer and fragmenter tests.</summary>
internal static class MediaSamples
{
    public static readonly byte[] AvcC = AvcDecoderConfiguration.Build(
        Convert.FromHexString(H264.SpsParserTests.High720pSps), Convert.FromHexString(H264.SpsParserTests.High720pPps)).ToBytes();

    public static TrackConfig Video(byte[]? avcC = null) =>
        new(TrackKind.Video, MediaCodec.H264, 90_000, avcC ?? AvcC, 1280, 720);

    public static TrackConfig Aac() => new(TrackKind.Audio, MediaCodec.Aac, 48_000, new byte[] { 0x11, 0x90 }, SampleRate: 48_000, Channels: 2);

    public static TrackConfig Opus() => new(TrackKind.Audio, MediaCodec.Opus, 48_000, ReadOnlyMemory<byte>.Empty, SampleRate: 48_000, Channels: 2);
}
