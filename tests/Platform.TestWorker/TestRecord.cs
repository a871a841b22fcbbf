using System.Buffers.Binary;
using Platform.Storage.Integrity;

namespace Platform.TestWorker;

/// <summary>
/// A self-describing record: magic, worker, sequence, total length, deterministic payload, CRC-32C.
/// A reader can walk a blob of these and tell whole records from anything torn or interleaved.
/// </summary>
public static class TestRecord
{
    public const uint Magic = 0x52434554; // "TECR"
    public const int Overhead = 20;

    public static byte[] Create(int worker, int sequence, int totalLength)
    {
        totalLength = Math.Max(totalLength, Overhead);
        var record = new byte[totalLength];
        BinaryPrimitives.WriteUInt32LittleEndian(record, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(4), worker);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(8), sequence);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(12), totalLength);
        for (var i = 16; i < totalLength - 4; i++)
        {
            record[i] = (byte)((worker * 31) + (sequence * 7) + i);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(totalLength - 4), Crc32C.Compute(record.AsSpan(0, totalLength - 4)));
        return record;
    }

    /// <summary>Parses one record at the start of <paramref name="data"/>; null when it is not a whole, intact record.</summary>
    public static (int Worker, int Sequence, int Length)? TryRead(ReadOnlySpan<byte> data)
    {
        if (data.Length < Overhead || BinaryPrimitives.ReadUInt32LittleEndian(data) != Magic)
        {
            return null;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(data[12..]);
        if (length < Overhead || length > data.Length)
        {
            return null;
        }

        var crc = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(length - 4));
        if (crc != Crc32C.Compute(data[..(length - 4)]))
        {
            return null;
        }

        return (BinaryPrimitives.ReadInt32LittleEndian(data[4..]), BinaryPrimitives.ReadInt32LittleEndian(data[8..]), length);
    }
}
