using Platform.Streams.Records;

namespace Platform.Streams.Tests;

public sealed class RecordFrameTests
{
    private static readonly DateTimeOffset Arrival = DateTimeOffset.FromUnixTimeMilliseconds(1_763_800_000_123);

    private static byte[] Frame(StreamRecordData record)
    {
        var buffer = new byte[RecordFrame.Measure(record)];
        Assert.Equal(buffer.Length, RecordFrame.Write(record, buffer));
        return buffer;
    }

    private static StreamRecordData Sample(string key, int dataLength, UInt128? hashKey = null)
    {
        var data = new byte[dataLength];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (byte)(i * 7);
        }

        return new StreamRecordData(key, hashKey, Arrival, data);
    }

    [Theory]
    [InlineData("k", 0, false)]
    [InlineData("orders/ü😀", 100, true)]
    [InlineData("big", RecordFrame.MaxDataBytes, false)]
    public void Records_RoundTripThroughTheirFrame(string key, int dataLength, bool withHashKey)
    {
        var record = Sample(key, dataLength, withHashKey ? UInt128.MaxValue - 5 : null);

        var status = RecordFrame.TryRead(Frame(record), out var read, out var length);

        Assert.Equal(FrameStatus.Ok, status);
        Assert.Equal(RecordFrame.Measure(record), length);
        Assert.Equal(record.PartitionKey, read!.PartitionKey);
        Assert.Equal(record.ExplicitHashKey, read.ExplicitHashKey);
        Assert.Equal(Arrival, read.ArrivalTime);
        Assert.True(record.Data.Span.SequenceEqual(read.Data.Span));
    }

    [Fact]
    public void OversizedData_OrPartitionKeys_AreRefusedWhenWriting()
    {
        Assert.Throws<ArgumentException>(() => Frame(Sample("k", RecordFrame.MaxDataBytes + 1)));
        Assert.Throws<ArgumentException>(() => Frame(Sample(new string('k', RecordFrame.MaxPartitionKeyBytes + 1), 1)));
        Assert.Throws<ArgumentException>(() => Frame(Sample(string.Empty, 1)));
    }

    [Fact]
    public void AnySingleCorruptedByte_InAFrame_IsDetected_AndItsNeighboursStillRead()
    {
        var frames = new[] { Frame(Sample("first", 40)), Frame(Sample("middle", 60, 12345)), Frame(Sample("last", 30)) };
        var whole = frames.SelectMany(f => f).ToArray();
        var middleStart = frames[0].Length;

        for (var i = 0; i < frames[1].Length; i++)
        {
            var damaged = (byte[])whole.Clone();
            damaged[middleStart + i] ^= 0x5A;

            var scan = FrameScanner.Scan(damaged, baseOffset: 1000, isEndOfData: true);

            Assert.Equal(["first", "last"], scan.Records.Select(r => r.Record.PartitionKey));
            Assert.Equal(1000, scan.Records[0].Offset);
            Assert.Equal(1000 + middleStart + frames[1].Length, scan.Records[1].Offset);
            var corrupt = Assert.Single(scan.Corrupt);
            Assert.Equal(1000 + middleStart, corrupt.Offset);
            Assert.Equal(frames[1].Length, corrupt.Length);
            Assert.Equal(whole.Length, scan.Consumed);
        }
    }

    [Fact]
    public void AFrameCutOffByTheEndOfARead_IsIncomplete_NotCorrupt()
    {
        var first = Frame(Sample("a", 10));
        var second = Frame(Sample("b", 500));
        var buffer = first.Concat(second.Take(100)).ToArray();

        var partial = FrameScanner.Scan(buffer, 0, isEndOfData: false);
        Assert.Single(partial.Records);
        Assert.Empty(partial.Corrupt);
        Assert.Equal(first.Length, partial.Consumed);

        var final = FrameScanner.Scan(buffer, 0, isEndOfData: true);
        Assert.Single(final.Records);
        Assert.Equal(new CorruptRegion(first.Length, 100), Assert.Single(final.Corrupt));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void AFrameWhoseMagicStraddlesTheEndOfAReadAfterGarbage_IsFoundByTheNextRead(int magicBytesInFirstRead)
    {
        var garbage = new byte[50];
        new Random(5).NextBytes(garbage);
        garbage.AsSpan().Replace((byte)(RecordFrame.Magic & 0xFF), (byte)0); // no false start inside the garbage
        var frame = Frame(Sample("straddles", 30));
        var all = garbage.Concat(frame).ToArray();
        var firstRead = all.AsMemory(0, garbage.Length + magicBytesInFirstRead);

        var first = FrameScanner.Scan(firstRead, 0, isEndOfData: false);
        Assert.Empty(first.Records);
        Assert.Equal(garbage.Length, first.Consumed); // the magic's first bytes are left for the next read
        Assert.Equal(new CorruptRegion(0, garbage.Length), Assert.Single(first.Corrupt));

        var second = FrameScanner.Scan(all.AsMemory(first.Consumed), first.Consumed, isEndOfData: true);
        Assert.Equal("straddles", Assert.Single(second.Records).Record.PartitionKey);
        Assert.Empty(second.Corrupt);
    }

    [Fact]
    public void GarbageBeforeFrames_IsSkipped_UpToTheNextIntactFrame()
    {
        var garbage = new byte[77];
        new Random(3).NextBytes(garbage);
        var frame = Frame(Sample("after-garbage", 20));

        var scan = FrameScanner.Scan(garbage.Concat(frame).ToArray(), 0, isEndOfData: true);

        Assert.Equal("after-garbage", Assert.Single(scan.Records).Record.PartitionKey);
        Assert.Equal(new CorruptRegion(0, 77), Assert.Single(scan.Corrupt));
    }

    [Fact]
    public void ALengthFieldClaimingMoreThanTheLargestFrame_IsCorrupt()
    {
        var frame = Frame(Sample("k", 10));
        BitConverter.TryWriteBytes(frame.AsSpan(4), RecordFrame.MaxFrameBytes + 1);
        Assert.Equal(FrameStatus.Corrupt, RecordFrame.TryRead(frame, out _, out _));
    }
}
