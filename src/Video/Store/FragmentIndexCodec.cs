using System.Buffers.Binary;
using Platform.Storage.Integrity;

namespace Platform.Video.Store;

/// <summary>
/// The binary layout of an hour's index blob: an append blob of 64-byte records, each one append block. A record is a
/// fragment entry or a warm marker (the entries a warm blob now holds). Fixed size keeps a tail read aligned and lets
/// a damaged record be skipped; its CRC-32C detects damage.
/// </summary>
/// <remarks>
/// Layout (little-endian): [0] kind (1 fragment, 2 warm marker), [1] flags, [2..4) see below, [4..8) CRC-32C.
/// Fragment: [8] number, [16] producer ticks, [24] server ticks, [32] duration ticks, [40] size (int), [44] init segment
/// id (int), [48] session (long); flags bit 0 discontinuity, bit 1 sequenced. A sequenced entry also carries its ordinal
/// (48 bits: the low 32 at [56..60), the high 16 at [2..4)) and its running discontinuity count (32 bits at [60..64)),
/// and its CRC covers [0..4) and [8..64), so a flipped flag or ordinal byte is caught too.
/// Records of the earlier format have bit 1 clear, zeros in [2..4) and [56..64), and a CRC of [8..64) only; they read
/// as unsequenced (<see cref="FragmentIndexEntry.Unsequenced"/>). A flag flipped either way fails the CRC of the format
/// it claims, so damage is never read as the other format. Warm marker: [8] first entry (int), [12] count (int), CRC of [8..64).
/// Sizes: 2^48 fragments of at least a second is millions of years; a discontinuity needs a new session or codec
/// change, so 2^32 of them is centuries even if every fragment were one.
/// </remarks>
public static class FragmentIndexCodec
{
    public const int RecordSize = 64;

    /// <summary>Largest ordinal a record holds.</summary>
    public const long MaxOrdinal = (1L << 48) - 1;

    /// <summary>Largest discontinuity count a record holds.</summary>
    public const long MaxDiscontinuityCount = uint.MaxValue;

    private const byte FragmentKind = 1;
    private const byte WarmKind = 2;
    private const byte DiscontinuityFlag = 1;
    private const byte SequencedFlag = 2;

    /// <exception cref="ArgumentOutOfRangeException">The entry's ordinal or discontinuity count does not fit.</exception>
    public static void Write(Span<byte> record, in FragmentIndexEntry entry)
    {
        record[..RecordSize].Clear();
        record[0] = FragmentKind;
        record[1] = entry.Discontinuity ? DiscontinuityFlag : (byte)0;
        BinaryPrimitives.WriteInt64LittleEndian(record[8..], entry.Number);
        BinaryPrimitives.WriteInt64LittleEndian(record[16..], entry.ProducerTicks);
        BinaryPrimitives.WriteInt64LittleEndian(record[24..], entry.ServerTicks);
        BinaryPrimitives.WriteInt64LittleEndian(record[32..], entry.DurationTicks);
        BinaryPrimitives.WriteInt32LittleEndian(record[40..], entry.Size);
        BinaryPrimitives.WriteInt32LittleEndian(record[44..], entry.InitSegmentId);
        BinaryPrimitives.WriteInt64LittleEndian(record[48..], entry.Session);
        if (!entry.IsSequenced)
        {
            Seal(record);
            return;
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(entry.Ordinal, MaxOrdinal, nameof(entry));
        ArgumentOutOfRangeException.ThrowIfNegative(entry.DiscontinuityCount, nameof(entry));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(entry.DiscontinuityCount, MaxDiscontinuityCount, nameof(entry));
        record[1] |= SequencedFlag;
        BinaryPrimitives.WriteUInt16LittleEndian(record[2..], (ushort)(entry.Ordinal >> 32));
        BinaryPrimitives.WriteUInt32LittleEndian(record[56..], (uint)entry.Ordinal);
        BinaryPrimitives.WriteUInt32LittleEndian(record[60..], (uint)entry.DiscontinuityCount);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], SequencedCrc(record));
    }

    public static void Write(Span<byte> record, WarmRange range)
    {
        record[..RecordSize].Clear();
        record[0] = WarmKind;
        BinaryPrimitives.WriteInt32LittleEndian(record[8..], range.FirstEntry);
        BinaryPrimitives.WriteInt32LittleEndian(record[12..], range.Count);
        Seal(record);
    }

    /// <summary>Decodes whole records of <paramref name="data"/> into <paramref name="index"/>; returns how many were damaged (and skipped).</summary>
    public static int ReadInto(ReadOnlySpan<byte> data, FragmentHourIndex index)
    {
        var damaged = 0;
        for (; data.Length >= RecordSize; data = data[RecordSize..])
        {
            var record = data[..RecordSize];
            var sequenced = record[0] == FragmentKind && (record[1] & SequencedFlag) != 0;
            var crc = sequenced ? SequencedCrc(record) : Crc32C.Compute(record[8..]);
            if (BinaryPrimitives.ReadUInt32LittleEndian(record[4..]) != crc)
            {
                damaged++;
                continue;
            }

            switch (record[0])
            {
                case FragmentKind:
                    _ = index.Add(new FragmentIndexEntry(
                        BinaryPrimitives.ReadInt64LittleEndian(record[8..]),
                        BinaryPrimitives.ReadInt64LittleEndian(record[16..]),
                        BinaryPrimitives.ReadInt64LittleEndian(record[24..]),
                        BinaryPrimitives.ReadInt64LittleEndian(record[32..]),
                        BinaryPrimitives.ReadInt32LittleEndian(record[40..]),
                        BinaryPrimitives.ReadInt64LittleEndian(record[48..]),
                        BinaryPrimitives.ReadInt32LittleEndian(record[44..]),
                        (record[1] & DiscontinuityFlag) != 0,
                        sequenced ? ((long)BinaryPrimitives.ReadUInt16LittleEndian(record[2..]) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(record[56..]) : FragmentIndexEntry.Unsequenced,
                        sequenced ? BinaryPrimitives.ReadUInt32LittleEndian(record[60..]) : FragmentIndexEntry.Unsequenced));
                    break;
                case WarmKind:
                    index.AddWarm(new WarmRange(BinaryPrimitives.ReadInt32LittleEndian(record[8..]), BinaryPrimitives.ReadInt32LittleEndian(record[12..])));
                    break;
                default:
                    damaged++;
                    break;
            }
        }

        return damaged;
    }

    private static void Seal(Span<byte> record) => BinaryPrimitives.WriteUInt32LittleEndian(record[4..], Crc32C.Compute(record[8..RecordSize]));

    private static uint SequencedCrc(ReadOnlySpan<byte> record) => Crc32C.Compute(record[8..RecordSize], Crc32C.Compute(record[..4]));
}
