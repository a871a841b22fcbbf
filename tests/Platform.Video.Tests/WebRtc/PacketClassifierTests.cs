using Platform.Video.Ingest.WebRtc.Transport;

namespace Platform.Video.Tests.WebRtc;

public sealed class PacketClassifierTests
{
    [Theory]
    [InlineData(0x00, 0x01, PacketKind.Stun)]
    [InlineData(0x01, 0x01, PacketKind.Stun)]
    [InlineData(22, 0xFE, PacketKind.Dtls)]
    [InlineData(63, 0xFE, PacketKind.Dtls)]
    [InlineData(0x80, 96, PacketKind.Rtp)]
    [InlineData(0x80, 96 | 0x80, PacketKind.Rtp)]
    [InlineData(0x81, 200, PacketKind.Rtcp)]
    [InlineData(0x81, 206, PacketKind.Rtcp)]
    [InlineData(64, 0, PacketKind.Unknown)]
    [InlineData(200, 0, PacketKind.Unknown)]
    public void Classify_FollowsRfc7983ByFirstByte(byte first, byte second, PacketKind expected)
    {
        var packet = new byte[24];
        packet[0] = first;
        packet[1] = second;
        Assert.Equal(expected, PacketClassifier.Classify(packet));
    }

    [Fact]
    public void Classify_CallsTooShortPacketsUnknown()
    {
        Assert.Equal(PacketKind.Unknown, PacketClassifier.Classify([]));
        Assert.Equal(PacketKind.Unknown, PacketClassifier.Classify([0x80, 96, 0]));
        Assert.Equal(PacketKind.Unknown, PacketClassifier.Classify([0x00, 0x01, 0, 0]));
    }
}
