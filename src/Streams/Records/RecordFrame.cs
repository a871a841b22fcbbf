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
        Measure(Encoding.UTF8.GetByteCount(record.PartitionKey), record.ExplicitHashKey is not null, record.Data.Length);

    /// <summary>Bytes a frame takes for a partition key of <paramref name="keyBytes"/> UTF-8 bytes and <paramref name="dataBytes"/> of data.</summary>
    /// <param name="keyBytes">The partition key's length in UTF-8 bytes.</param>
    /// <param name="hasExplicitHashKey">Whether the frame carries an explicit hash key.</param>
    /// <param name="dataBytes">The record data's length.</param>
    public static int Measure(int keyBytes, bool hasExplicitHashKey, int dataBytes) =>
        HeaderSize + (hasExplicitHashKey ? 16 : 0) + keyBytes + dataBytes;

    /// <summary>Writes the frame into <paramref name="destination"/> (at least <see cref="Measure(StreamRecordData)"/> bytes) and returns its length.</summary>
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

        var length = Measure(keyBytes, record.ExplicitHashKey is not null, record.Data.Length);
        var frame = destination[..length];
        var keyAt = HeaderSize + (record.ExplicitHashKey is null ? 0 : 16);
        Encoding.UTF8.GetBytes(record.PartitionKey, frame.Slice(keyAt, keyBytes));
        return WriteAround(frame, keyBytes, record.ExplicitHashKey, record.ArrivalTime.ToUnixTimeMilliseconds(), record.Data.Span);
    }

    /// <summary>
    /// Writes a frame from a partition key already in UTF-8 (the caller checked its rules: 1 to
    /// <see cref="MaxPartitionKeyBytes"/> bytes, data at most <see cref="MaxDataBytes"/>) and returns its length.
    /// </summary>
    /// <param name="destination">Where the frame goes: at least <see cref="Measure(int, bool, int)"/> bytes.</param>
    /// <param name="partitionKey">The partition key's UTF-8 bytes.</param>
    /// <param name="explicitHashKey">The explicit hash key, if the producer gave one.</param>
    /// <param name="arrivalUnixMs">The approximate arrival time in Unix milliseconds.</param>
    /// <param name="data">The record data.</param>
    public static int Write(Span<byte> destination, ReadOnlySpan<byte> partitionKey, UInt128? explicitHashKey, long arrivalUnixMs, ReadOnlySpan<byte> data)
    {
        var length = Measure(partitionKey.Length, explicitHashKey is not null, data.Length);
        var frame = destination[..length];
        partitionKey.CopyTo(frame[(HeaderSize + (explicitHashKey is null ? 0 : 16))..]);
        return WriteAround(frame, partitionKey.Length, explicitHashKey, arrivalUnixMs, data);
    }

    /// <summary>Fills in everything but the partition key (already in place), then the checksum.</summary>
    private static int WriteAround(Span<byte> frame, int keyBytes, UInt128? explicitHashKey, long arrivalUnixMs, ReadOnlySpan<byte> data)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(frame, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(frame[4..], frame.Length);
        frame[12] = Version;
        frame[13] = explicitHashKey is null ? (byte)0 : ExplicitHashKeyFlag;
        BinaryPrimitives.WriteUInt16LittleEndian(frame[14..], (ushort)keyBytes);
        BinaryPrimitives.WriteInt64LittleEndian(frame[16..], arrivalUnixMs);
        BinaryPrimitives.WriteInt32LittleEndian(frame[24..], data.Length);
        var position = HeaderSize;
        if (explicitHashKey is { } hashKey)
        {
            BinaryPrimitives.WriteUInt128BigEndian(frame[position..], hashKey);
            position += 16;
        }

        data.CopyTo(frame[(position + keyBytes)..]);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[8..], Crc32C.Compute(frame[12..]));
        return frame.Length;
    }

    /// <summary>Decodes the frame at the start of <paramref name="source"/>; the record's data is a slice of it, not a copy.</summary>
    public static FrameStatus TryRead(ReadOnlyMemory<byte> source, out StreamRecordData? record, out int frameLength)
    {
        record = null;
        var status = TryReadLayout(source.Span, out var layout);
        frameLength = layout.FrameLength;
        if (status != FrameStatus.Ok)
        {
            return status;
        }

        record = Decode(source, layout);
        return FrameStatus.Ok;
    }

    /// <summary>The record of a frame <see cref="TryReadLayout"/> found intact; its data is a slice of <paramref name="frame"/>.</summary>
    /// <param name="frame">The frame's bytes (from its start).</param>
    /// <param name="layout">The layout <see cref="TryReadLayout"/> gave for it.</param>
    public static StreamRecordData Decode(ReadOnlyMemory<byte> frame, FrameLayout layout)
    {
        var span = frame.Span;
        UInt128? hashKey = layout.HasExplicitHashKey ? BinaryPrimitives.ReadUInt128BigEndian(span[HeaderSize..]) : null;
        var partitionKey = Encoding.UTF8.GetString(span.Slice(layout.KeyOffset, layout.KeyLength));
        return new StreamRecordData(partitionKey, hashKey, layout.ArrivalTime, frame.Slice(layout.DataOffset, layout.DataLength));
    }

    /// <summary>
    /// The length the frame starting at <paramref name="source"/> declares in its header, or <see cref="MaxFrameBytes"/>
    /// when the header is not all there or not a frame's: how much a reader must fetch to see the frame whole.
    /// </summary>
    public static int DeclaredLength(ReadOnlySpan<byte> source) =>
        source.Length >= 8 && BinaryPrimitives.ReadUInt32LittleEndian(source) == Magic && BinaryPrimitives.ReadInt32LittleEndian(source[4..]) is var length and >= HeaderSize and <= MaxFrameBytes
            ? length
            : MaxFrameBytes;

    /// <summary>
    /// Checks the frame at the start of <paramref name="source"/> (magic, length, checksum, version, field
    /// lengths) and says where its parts are, without decoding them or allocating: the one frame check every read
    /// path (decoded records, GetRecords' stored frames, the function runtime's frame tables) goes through.
    /// </summary>
    public static FrameStatus TryReadLayout(ReadOnlySpan<byte> source, out FrameLayout layout)
    {
        layout = default;
        var span = source;
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
        var keyOffset = HeaderSize + (hasHashKey ? 16 : 0);
        if (dataLength < 0 || keyBytes == 0 || keyOffset + keyBytes + dataLength != length)
        {
            return FrameStatus.Corrupt;
        }

        var arrivalMs = Math.Clamp(BinaryPrimitives.ReadInt64LittleEndian(frame[16..]), 0, 253402300799999);
        layout = new FrameLayout(length, hasHashKey, keyOffset, keyBytes, keyOffset + keyBytes, dataLength, arrivalMs);
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
