using System.Buffers.Binary;
using Platform.Storage.Integrity;

namespace Platform.Video.Store;

/// <summary>
/// The binary layout of an hour's index blob: an append blob of 64-byte records, each one append block. A record is a
/// fragment entry or a warm marker (the entries a warm blob now holds). Fixed size keeps a tail read aligned and lets
/// a damaged record be skipped; its CRC-32C detects damage.
/// </summary>
/// <remarks>
/// Layout (little-endian): [0] kind (1 fragment, 2 warm marker), [1] flags (bit 0 discontinuity), [2..4) reserved,
/// [4..8) CRC-32C of [8..64). Fragment: [8] number, [16] producer ticks, [24] server ticks, [32] duration ticks,
/// [40] size (int), [44] init segment id (int), [48] session (long). Warm marker: [8] first entry (int), [12] count (int).
/// </remarks>
public static class FragmentIndexCodec
{
    public const int RecordSize = 64;
    private const byte FragmentKind = 1;
    private const byte WarmKind = 2;

    public static void Write(Span<byte> record, in FragmentIndexEntry entry)
    {
        record[..RecordSize].Clear();
        record[0] = FragmentKind;
        record[1] = entry.Discontinuity ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt64LittleEndian(record[8..], entry.Number);
        BinaryPrimitives.WriteInt64LittleEndian(record[16..], entry.ProducerTicks);
        BinaryPrimitives.WriteInt64LittleEndian(record[24..], entry.ServerTicks);
        BinaryPrimitives.WriteInt64LittleEndian(record[32..], entry.DurationTicks);
        BinaryPrimitives.WriteInt32LittleEndian(record[40..], entry.Size);
        BinaryPrimitives.WriteInt32LittleEndian(record[44..], entry.InitSegmentId);
        BinaryPrimitives.WriteInt64LittleEndian(record[48..], entry.Session);
        Seal(record);
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
            if (BinaryPrimitives.ReadUInt32LittleEndian(record[4..]) != Crc32C.Compute(record[8..]))
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
                        (record[1] & 1) != 0));
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
}
