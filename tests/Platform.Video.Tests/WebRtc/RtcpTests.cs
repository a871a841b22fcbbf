using System.Buffers.Binary;
using Platform.Video.Ingest.WebRtc.Rtcp;

namespace Platform.Video.Tests.WebRtc;

public sealed class RtcpTests
{
    [Fact]
    public void Writer_BuildsACompoundPacketTheReaderSplitsAndDecodes()
    {
        var buffer = new byte[1500];
        var block = new ReportBlock(0xAABBCCDD, 12, -3, 70_000, 45, 0x12345678, 655);
        var length = RtcpWriter.WriteReceiverReport(buffer, 0, 1, [block]);
        length = RtcpWriter.WriteCname(buffer, length, 1, "platform");
        length = RtcpWriter.WriteNack(buffer, length, 1, 0xAABBCCDD, [100, 101, 116, 117, 65535]);
        length = RtcpWriter.WritePli(buffer, length, 1, 0xAABBCCDD);
        length = RtcpWriter.WriteFir(buffer, length, 1, 0xAABBCCDD, 7);
        length = RtcpWriter.WriteGoodbye(buffer, length, 1);

        var headers = new List<RtcpHeader>();
        Assert.True(RtcpReader.TrySplit(buffer.AsSpan(0, length), headers));
        Assert.Equal(
            [RtcpPacketType.ReceiverReport, RtcpPacketType.SourceDescription, RtcpPacketType.TransportFeedback,
                RtcpPacketType.PayloadFeedback, RtcpPacketType.PayloadFeedback, RtcpPacketType.Goodbye],
            headers.Select(h => h.PacketType));

        var blocks = new List<ReportBlock>();
        Assert.True(RtcpReader.TryReadReportBlocks(Packet(buffer, headers[0]), blocks));
        Assert.Equal(block, Assert.Single(blocks));
        Assert.Equal("platform", RtcpReader.ReadCname(Packet(buffer, headers[1])));

        var sequences = new List<ushort>();
        Assert.True(RtcpReader.TryReadNack(Packet(buffer, headers[2]), out var nackSsrc, sequences));
        Assert.Equal(0xAABBCCDDu, nackSsrc);
        Assert.Equal(new ushort[] { 100, 101, 116, 117, 65535 }, sequences.Order());

        Assert.True(RtcpReader.IsKeyframeRequest(Packet(buffer, headers[3]), out var pliSsrc));
        Assert.True(RtcpReader.IsKeyframeRequest(Packet(buffer, headers[4]), out var firSsrc));
        Assert.Equal(0xAABBCCDDu, pliSsrc);
        Assert.Equal(0xAABBCCDDu, firSsrc);

        var sources = new List<uint>();
        Assert.True(RtcpReader.TryReadGoodbye(Packet(buffer, headers[5]), sources));
        Assert.Equal([1u], sources);
    }

    [Fact]
    public void Reader_DecodesASenderReport()
    {
        var packet = new byte[28];
        packet[0] = 0x80;
        packet[1] = RtcpPacketType.SenderReport;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), 6);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), 42);
        BinaryPrimitives.WriteUInt64BigEndian(packet.AsSpan(8), 0x0102030405060708);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(16), 90_000);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(20), 10);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(24), 1000);
        Assert.True(RtcpReader.TryReadSenderReport(packet, out var report));
        Assert.Equal(new SenderReport(42, 0x0102030405060708, 90_000, 10, 1000), report);
        Assert.Equal(0x03040506u, report.CompactNtp);
    }

    [Fact]
    public void Reader_StopsAtALengthThatRunsPastTheEnd()
    {
        var buffer = new byte[64];
        var length = RtcpWriter.WritePli(buffer, 0, 1, 2);
        buffer[length] = 0x80;
        buffer[length + 1] = 201;
        buffer[length + 3] = 200;
        var headers = new List<RtcpHeader>();
        Assert.False(RtcpReader.TrySplit(buffer.AsSpan(0, length + 8), headers));
        Assert.Single(headers);
    }

    private static ReadOnlySpan<byte> Packet(byte[] buffer, RtcpHeader header) => buffer.AsSpan(header.Offset, header.Length);
}
