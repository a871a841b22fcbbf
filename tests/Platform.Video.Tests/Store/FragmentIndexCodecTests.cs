using System.Buffers.Binary;
using Platform.Storage.Integrity;
using Platform.Video.Store;

namespace Platform.Video.Tests.Store;

/// <summary>Index records with ordinals and discontinuity counts, and records the build before them wrote.</summary>
public sealed class FragmentIndexCodecTests
{
    private static readonly DateTimeOffset Hour = new(2026, 3, 2, 5, 0, 0, TimeSpan.Zero);

    private static FragmentIndexEntry Entry(int i, bool discontinuity = false) => new(
        (Hour.AddSeconds(2 * i).ToUnixTimeMilliseconds() * 1000) + i,
        Hour.AddSeconds((2 * i) - 1).UtcTicks,
        Hour.AddSeconds(2 * i).UtcTicks,
        TimeSpan.FromSeconds(2).Ticks,
        3000 + i,
        1_772_420_000_000_000,
        i % 3,
        discontinuity);

    private static FragmentHourIndex Read(byte[] blob, out int damaged)
    {
        var hour = new FragmentHourIndex(Hour);
        damaged = FragmentIndexCodec.ReadInto(blob, hour);
        return hour;
    }

    /// <summary>A fragment record exactly as the build before ordinals wrote it: zeros in [2..4) and [56..64), CRC of [8..64).</summary>
    private static byte[] EarlierFormat(in FragmentIndexEntry entry)
    {
        var record = new byte[FragmentIndexCodec.RecordSize];
        record[0] = 1;
        record[1] = entry.Discontinuity ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(8), entry.Number);
        BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(16), entry.ProducerTicks);
        BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(24), entry.ServerTicks);
        BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(32), entry.DurationTicks);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(40), entry.Size);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(44), entry.InitSegmentId);
        BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(48), entry.Session);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(4), Crc32C.Compute(record.AsSpan(8)));
        return record;
    }

    [Fact]
    public void SequencedRecords_RoundTripTheirOrdinalAndDiscontinuityCount_UpToTheLargestThatFit()
    {
        var entries = new[]
        {
            Entry(0, discontinuity: true) with { Ordinal = 0, DiscontinuityCount = 1 },
            Entry(1) with { Ordinal = 1, DiscontinuityCount = 1 },
            Entry(2) with { Ordinal = 4_294_967_296 + 7, DiscontinuityCount = 65_537 },
            Entry(3, discontinuity: true) with { Ordinal = FragmentIndexCodec.MaxOrdinal, DiscontinuityCount = FragmentIndexCodec.MaxDiscontinuityCount },
        };
        var blob = new byte[entries.Length * FragmentIndexCodec.RecordSize];
        for (var i = 0; i < entries.Length; i++)
        {
            FragmentIndexCodec.Write(blob.AsSpan(i * FragmentIndexCodec.RecordSize), entries[i]);
        }

        var hour = Read(blob, out var damaged);

        Assert.Equal(0, damaged);
        Assert.Equal(entries, hour.Entries);
        Assert.All(hour.Entries, e => Assert.True(e.IsSequenced));
        Assert.Equal(FragmentIndexCodec.MaxOrdinal, hour.Entries[3].ToInfo().Ordinal);
        Assert.Equal(65_537, hour.Entries[2].ToInfo().DiscontinuityCount);
    }

    [Fact]
    public void ARecordOfTheEarlierFormat_IsStillRead_AsUnsequenced_BesideNewOnes()
    {
        var old = Entry(0, discontinuity: true);
        var newer = Entry(1) with { Ordinal = 0, DiscontinuityCount = 0 };
        var blob = new byte[2 * FragmentIndexCodec.RecordSize];
        EarlierFormat(old).CopyTo(blob, 0);
        FragmentIndexCodec.Write(blob.AsSpan(FragmentIndexCodec.RecordSize), newer);

        var hour = Read(blob, out var damaged);

        Assert.Equal(0, damaged);
        Assert.Equal([old, newer], hour.Entries);
        Assert.False(hour.Entries[0].IsSequenced);
        Assert.Equal(FragmentIndexEntry.Unsequenced, hour.Entries[0].ToInfo().Ordinal);
        Assert.Equal(FragmentIndexEntry.Unsequenced, hour.Entries[0].ToInfo().DiscontinuityCount);

        // An unsequenced entry is written in the earlier format byte for byte.
        var rewritten = new byte[FragmentIndexCodec.RecordSize];
        FragmentIndexCodec.Write(rewritten, old);
        Assert.Equal(EarlierFormat(old), rewritten);
    }

    /// <summary>The same byte flipped in a new record (0) and an old one (1); record 2 is intact. An old record's
    /// bytes [2..4) were reserved and never checked, so damage there leaves it readable as before.</summary>
    [Theory]
    [InlineData(1, 0x02, new[] { 2 })] // the sequenced flag cleared on the new record, set on the old one
    [InlineData(2, 0x01, new[] { 1, 2 })] // the ordinal's high bits
    [InlineData(60, 0x10, new[] { 2 })] // the discontinuity count
    public void DamageToTheNewFields_FailsTheChecksum_AndTheRecordIsSkipped(int offset, byte flip, int[] survivors)
    {
        var blob = new byte[3 * FragmentIndexCodec.RecordSize];
        FragmentIndexCodec.Write(blob, Entry(0) with { Ordinal = 70_000_000_000, DiscontinuityCount = 3 });
        EarlierFormat(Entry(1)).CopyTo(blob, FragmentIndexCodec.RecordSize);
        FragmentIndexCodec.Write(blob.AsSpan(2 * FragmentIndexCodec.RecordSize), Entry(2) with { Ordinal = 70_000_000_001, DiscontinuityCount = 3 });
        blob[offset] ^= flip;
        blob[FragmentIndexCodec.RecordSize + offset] ^= flip;

        var hour = Read(blob, out var damaged);

        Assert.Equal(3 - survivors.Length, damaged);
        Assert.Equal(survivors.Select(i => Entry(i).Number), hour.Entries.Select(e => e.Number));
    }

    [Fact]
    public void AnOrdinalOrCountThatDoesNotFit_IsRefused_RatherThanWrittenTruncated()
    {
        var record = new byte[FragmentIndexCodec.RecordSize];
        Assert.Throws<ArgumentOutOfRangeException>(() => FragmentIndexCodec.Write(record, Entry(0) with { Ordinal = FragmentIndexCodec.MaxOrdinal + 1, DiscontinuityCount = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => FragmentIndexCodec.Write(record, Entry(0) with { Ordinal = 5, DiscontinuityCount = FragmentIndexCodec.MaxDiscontinuityCount + 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => FragmentIndexCodec.Write(record, Entry(0) with { Ordinal = 5, DiscontinuityCount = -1 }));
    }
}
