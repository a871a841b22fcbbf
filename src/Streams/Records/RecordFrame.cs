using System.Buffers.Binary;
using System.Text;
using Platform.Storage.Integrity;

namespace Platform.Streams.Records;

/// <summary>
/// The on-storage form of one record inside a shard segment. Little-endian:
/// <code>
///  0  u32  magic "KSR1"
///  4  u32  frame length in bytes, header included
///  8  u32  CRC-32C of bytes [12, length)
/// 12  u8   format version (1)
/// 13  u8   flags (bit 0: explicit hash key present)
/// 14  u16  partition key length in UTF-8 bytes
/// 16  i64  approximate arrival time, Unix milliseconds
/// 24  u32  data length
/// 28  [16] explicit hash key, big-endian, when flagged
///     …    partition key (UTF-8), then data
/// </code>
/// The checksum covers everything but the magic, length and checksum fields, so a torn or overwritten
/// frame is detected and never returned as data.
/// </summary>
public static class RecordFrame
{
    public const uint Magic = 0x3152534B; // "KSR1"
    public const int HeaderSize = 28;
    public const int MaxDataBytes = 1024 * 1024;
    public const int MaxPartitionKeyBytes = 1024;
    public const int MaxFrameBytes = HeaderSize + 16 + MaxPartitionKeyBytes + MaxDataBytes;
    private const byte Version = 1;
    private const byte ExplicitHashKeyFlag = 1;

    /// <summary>Bytes the frame of <paramref name="record"/> takes.</summary>
    public static int Measure(StreamRecordData record) =>
        HeaderSize + (record.ExplicitHashKey is null ? 0 : 16) + Encoding.UTF8.GetByteCount(record.PartitionKey) + record.Data.Length;

    /// <summary>Writes the frame into <paramref name="destination"/> (at least <see cref="Measure"/> bytes) and returns its length.</summary>
    public static int Write(StreamRecordData record, Span<byte> destination)
    {
        var keyBytes = Encoding.UTF8.GetByteCount(record.PartitionKey);
        if (keyBytes is 0 or > MaxPartitionKeyBytes)
        {
            throw new ArgumentException($"A partition key takes 1 to {MaxPartitionKeyBytes} UTF-8 bytes, not {keyBytes}.", nameof(record));
        }

        if (record.Data.Length > MaxDataBytes)
        {
            throw new ArgumentException($"Record data of {record.Data.Length} bytes exceeds {MaxDataBytes}.", nameof(record));
        }

        var length = Measure(record);
        var frame = destination[..length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(frame[4..], length);
        frame[12] = Version;
        frame[13] = record.ExplicitHashKey is null ? (byte)0 : ExplicitHashKeyFlag;
        BinaryPrimitives.WriteUInt16LittleEndian(frame[14..], (ushort)keyBytes);
        BinaryPrimitives.WriteInt64LittleEndian(frame[16..], record.ArrivalTime.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt32LittleEndian(frame[24..], record.Data.Length);
        var position = HeaderSize;
        if (record.ExplicitHashKey is { } hashKey)
        {
            BinaryPrimitives.WriteUInt128BigEndian(frame[position..], hashKey);
            position += 16;
        }

        position += Encoding.UTF8.GetBytes(record.PartitionKey, frame[position..]);
        record.Data.Span.CopyTo(frame[position..]);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[8..], Crc32C.Compute(frame[12..]));
        return length;
    }

    /// <summary>Decodes the frame at the start of <paramref name="source"/>; the record's data is a slice of it, not a copy.</summary>
    public static FrameStatus TryRead(ReadOnlyMemory<byte> source, out StreamRecordData? record, out int frameLength)
    {
        record = null;
        frameLength = 0;
        var span = source.Span;
        if (span.Length < 8)
        {
            return span.Length == 0 || IsMagicPrefix(span) ? FrameStatus.Incomplete : FrameStatus.Corrupt;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(span) != Magic)
        {
            return FrameStatus.Corrupt;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(span[4..]);
        if (length < HeaderSize || length > MaxFrameBytes)
        {
            return FrameStatus.Corrupt;
        }

        if (length > span.Length)
        {
            return FrameStatus.Incomplete;
        }

        var frame = span[..length];
        if (BinaryPrimitives.ReadUInt32LittleEndian(frame[8..]) != Crc32C.Compute(frame[12..]) || frame[12] != Version)
        {
            return FrameStatus.Corrupt;
        }

        var hasHashKey = (frame[13] & ExplicitHashKeyFlag) != 0;
        var keyBytes = BinaryPrimitives.ReadUInt16LittleEndian(frame[14..]);
        var dataLength = BinaryPrimitives.ReadInt32LittleEndian(frame[24..]);
        var position = HeaderSize;
        if (dataLength < 0 || keyBytes == 0 || position + (hasHashKey ? 16 : 0) + keyBytes + dataLength != length)
        {
            return FrameStatus.Corrupt;
        }

        UInt128? hashKey = null;
        if (hasHashKey)
        {
            hashKey = BinaryPrimitives.ReadUInt128BigEndian(frame[position..]);
            position += 16;
        }

        var partitionKey = Encoding.UTF8.GetString(frame.Slice(position, keyBytes));
        position += keyBytes;
        var arrival = DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(BinaryPrimitives.ReadInt64LittleEndian(frame[16..]), 0, 253402300799999));
        record = new StreamRecordData(partitionKey, hashKey, arrival, source.Slice(position, dataLength));
        frameLength = length;
        return FrameStatus.Ok;
    }

    /// <summary>
    /// Checks the frame at <paramref name="start"/> of <paramref name="buffer"/> like <see cref="TryRead"/> but only
    /// locates its parts, allocating nothing.
    /// </summary>
    public static FrameStatus TryLocate(ReadOnlySpan<byte> buffer, int start, out FrameSlice slice, out int frameLength)
    {
        slice = default;
        frameLength = 0;
        var span = buffer[start..];
        if (span.Length < 8)
        {
            return span.Length == 0 || IsMagicPrefix(span) ? FrameStatus.Incomplete : FrameStatus.Corrupt;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(span) != Magic)
        {
            return FrameStatus.Corrupt;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(span[4..]);
        if (length < HeaderSize || length > MaxFrameBytes)
        {
            return FrameStatus.Corrupt;
        }

        if (length > span.Length)
        {
            return FrameStatus.Incomplete;
        }

        var frame = span[..length];
        if (BinaryPrimitives.ReadUInt32LittleEndian(frame[8..]) != Crc32C.Compute(frame[12..]) || frame[12] != Version)
        {
            return FrameStatus.Corrupt;
        }

        var hashKeyBytes = (frame[13] & ExplicitHashKeyFlag) != 0 ? 16 : 0;
        var keyBytes = BinaryPrimitives.ReadUInt16LittleEndian(frame[14..]);
        var dataLength = BinaryPrimitives.ReadInt32LittleEndian(frame[24..]);
        if (dataLength < 0 || keyBytes == 0 || HeaderSize + hashKeyBytes + keyBytes + dataLength != length)
        {
            return FrameStatus.Corrupt;
        }

        var keyStart = start + HeaderSize + hashKeyBytes;
        var arrival = Math.Clamp(BinaryPrimitives.ReadInt64LittleEndian(frame[16..]), 0, 253402300799999);
        slice = new FrameSlice(start, keyStart, keyBytes, keyStart + keyBytes, dataLength, arrival);
        frameLength = length;
        return FrameStatus.Ok;
    }

    private static bool IsMagicPrefix(ReadOnlySpan<byte> span)
    {
        Span<byte> magic = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(magic, Magic);
        var n = Math.Min(4, span.Length);
        return span[..n].SequenceEqual(magic[..n]);
    }
}

/// <summary>What <see cref="RecordFrame.TryRead"/> found.</summary>
public enum FrameStatus
{
    /// <summary>A whole, intact frame.</summary>
    Ok,

    /// <summary>The bytes so far look like the start of a frame but it continues past the buffer: read more.</summary>
    Incomplete,

    /// <summary>Not a valid frame: wrong magic, impossible length, or a checksum mismatch.</summary>
    Corrupt,
}
