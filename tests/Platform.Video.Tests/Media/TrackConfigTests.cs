using Platform.Video.Media;

namespace Platform.Video.Tests.Media;

public sealed class TrackConfigTests
{
    [Fact]
    public void SameDecoderSetup_IsTrueOnlyWhenTheCodecPrivateBytesMatch()
    {
        var a = new TrackConfig(TrackKind.Video, MediaCodec.H264, 90_000, new byte[] { 1, 2, 3 }, 1280, 720);
        var b = a with { CodecPrivate = new byte[] { 1, 2, 3 } };
        var c = a with { CodecPrivate = new byte[] { 1, 2, 4 } };

        Assert.True(a.SameDecoderSetup(b));
        Assert.False(a.SameDecoderSetup(c));
        Assert.False(a.SameDecoderSetup(null));
    }
}
