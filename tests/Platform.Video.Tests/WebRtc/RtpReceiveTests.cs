using Platform.Video.Ingest.WebRtc.Rtp;

namespace Platform.Video.Tests.WebRtc;

public sealed class RtpReceiveTests
{
    [Fact]
    public void Header_ReadsCsrcsExtensionAndPadding()
    {
        var packet = new byte[]
        {
            0xB1, 0xE0, 0x12, 0x34, 0, 0, 0x10, 0, 0xDE, 0xAD, 0xBE, 0xEF,
            1, 2, 3, 4, // one CSRC
            0xBE, 0xDE, 0, 1, 0x10, 0xFF, 0, 0, // one-byte extension, one word
            9, 9, 9, // payload
            0, 0, 3, // padding of three
        };
        Assert.True(RtpHeader.TryParse(packet, out var header));
        Assert.True(header.Marker);
        Assert.Equal(96, header.PayloadType);
        Assert.Equal(0x1234, header.SequenceNumber);
        Assert.Equal(0x1000u, header.Timestamp);
        Assert.Equal(0xDEADBEEFu, header.Ssrc);
        Assert.Equal(1, header.CsrcCount);
        Assert.Equal((ushort)0xBEDE, header.ExtensionProfile);
        Assert.Equal(24, header.PayloadOffset);
        Assert.Equal(3, header.PayloadLength);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 0x40, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 0x90, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xBE, 0xDE, 0, 9 })]
    [InlineData(new byte[] { 0xA0, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 40 })]
    public void Header_RefusesMalformedPackets(byte[] packet) => Assert.False(RtpHeader.TryParse(packet, out _));

    [Fact]
    public void SequenceUnwrapper_CountsWrapsAndPlacesLatePacketsBeforeThem()
    {
        var unwrapper = new SequenceUnwrapper();
        Assert.Equal(65534, unwrapper.Unwrap(65534));
        Assert.Equal(65536, unwrapper.Unwrap(0));
        Assert.Equal(65535, unwrapper.Unwrap(65535));
        Assert.Equal(65537, unwrapper.Unwrap(1));
    }

    [Fact]
    public void TimestampUnwrapper_ContinuesPastTheThirtyTwoBitWrap()
    {
        var unwrapper = new TimestampUnwrapper();
        Assert.Equal(uint.MaxValue - 1000, unwrapper.Unwrap(uint.MaxValue - 1000));
        Assert.Equal((long)uint.MaxValue + 2001, unwrapper.Unwrap(2000));
        Assert.Equal((long)uint.MaxValue + 1001, unwrapper.Unwrap(1000));
    }

    [Fact]
    public void ReorderBuffer_ReleasesInOrderAndNacksTheGap()
    {
        var buffer = new ReorderBuffer(TimeSpan.FromMilliseconds(200));
        var now = TimeSpan.FromSeconds(1);
        buffer.Insert(Packet(10), now);
        buffer.Insert(Packet(13), now);
        buffer.Insert(Packet(12), now);
        Assert.True(buffer.TryDequeue(now, out var first, out _));
        Assert.Equal(10, first!.ExtendedSequence);
        Assert.False(buffer.TryDequeue(now, out _, out _));

        var nacks = new List<ushort>();
        buffer.CollectNacks(now, nacks);
        Assert.Equal([11], nacks);
        nacks.Clear();
        buffer.CollectNacks(now, nacks);
        Assert.Empty(nacks); // not again within the NACK interval

        Assert.True(buffer.Insert(Packet(11), now));
        Assert.Equal([11, 12, 13], Drain(buffer, now).Select(p => p.ExtendedSequence));
        Assert.False(buffer.Insert(Packet(12), now));
    }

    [Fact]
    public void ReorderBuffer_GivesUpOnAGapAfterTheWaitAndReportsTheLoss()
    {
        var buffer = new ReorderBuffer(TimeSpan.FromMilliseconds(100));
        var now = TimeSpan.FromSeconds(5);
        buffer.Insert(Packet(1), now);
        buffer.Insert(Packet(3), now);
        Assert.True(buffer.TryDequeue(now, out _, out _));
        Assert.False(buffer.TryDequeue(now + TimeSpan.FromMilliseconds(50), out _, out _));
        Assert.True(buffer.TryDequeue(now + TimeSpan.FromMilliseconds(150), out var packet, out var loss));
        Assert.Equal(3, packet!.ExtendedSequence);
        Assert.True(loss);
        Assert.Equal(1, buffer.Lost);
    }

    [Fact]
    public void ReorderBuffer_CountsMissingPackets_ThoseRecoveredAfterANack_AndThoseGivenUp()
    {
        var buffer = new ReorderBuffer(TimeSpan.FromMilliseconds(100));
        var now = TimeSpan.FromSeconds(1);
        buffer.Insert(Packet(1), now);
        buffer.Insert(Packet(4), now); // 2 and 3 missing
        buffer.Insert(Packet(6), now); // 5 missing
        Assert.Equal(3, buffer.Missing);
        Assert.Equal(6, buffer.HighestSequence); // receiver reports carry it, and the expected count
        Assert.Equal(6, buffer.Expected);

        var nacks = new List<ushort>();
        buffer.CollectNacks(now, nacks);
        Assert.Equal([2, 3, 5], nacks);
        buffer.Insert(Packet(3), now); // the retransmission of a NACKed packet
        Assert.Equal(1, buffer.Recovered);
        Assert.Equal(1, buffer.RecoveredAfterNack);

        Drain(buffer, now); // each gap's wait starts when it blocks the head
        Drain(buffer, now + TimeSpan.FromMilliseconds(500)); // 2 given up
        Drain(buffer, now + TimeSpan.FromMilliseconds(1000)); // 5 given up
        Assert.Equal(2, buffer.Lost);
        Assert.False(buffer.Insert(Packet(2), now + TimeSpan.FromMilliseconds(1100))); // too late to count
        Assert.Equal(1, buffer.Recovered);
    }

    [Fact]
    public void ReorderBuffer_StaysWithinItsCapacity()
    {
        var buffer = new ReorderBuffer(TimeSpan.FromSeconds(10), capacity: 64);
        var now = TimeSpan.Zero;
        buffer.Insert(Packet(0), now);
        Assert.True(buffer.TryDequeue(now, out _, out _));
        for (var s = 2; s < 1000; s++)
        {
            buffer.Insert(Packet(s), now);
            while (buffer.TryDequeue(now, out _, out _))
            {
            }

            Assert.True(buffer.Count <= 64);
        }
    }

    [Fact]
    public void SenderReportClock_MapsRtpTimeToTheSendersWallClock()
    {
        var clock = new SenderReportClock(90_000);
        var at = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
        Assert.Null(clock.ToWallClock(0));
        clock.OnSenderReport(SenderReportClock.ToNtp(at), 900_000);
        Assert.Equal(at.AddSeconds(1), clock.ToWallClock(990_000));
        Assert.Equal(at, SenderReportClock.FromNtp(SenderReportClock.ToNtp(at)));
    }

    private static RtpPacket Packet(long seq) =>
        RtpPackets.Parse(RtpPackets.Build((ushort)seq, (uint)seq * 100, false, [1, 2, 3]), seq);

    private static List<RtpPacket> Drain(ReorderBuffer buffer, TimeSpan now)
    {
        var list = new List<RtpPacket>();
        while (buffer.TryDequeue(now, out var p, out _))
        {
            list.Add(p!);
        }

        return list;
    }
}
