using Platform.Streams.Records;

namespace Platform.Streams.Log;

/// <summary>A record read back from a shard, with its sequence number.</summary>
public sealed record ShardRecord(SequenceNumber SequenceNumber, StreamRecordData Record);

/// <summary>
/// The result of one read: records in sequence order, where to continue (inclusive), and any corrupt
/// regions that were skipped. <see cref="CaughtUp"/> is true when the read reached the shard's current end.
/// </summary>
public sealed record ShardRead(IReadOnlyList<ShardRecord> Records, SequenceNumber Next, IReadOnlyList<CorruptRegion> Corrupt, bool CaughtUp);

/// <summary>One segment of a shard's log as storage lists it.</summary>
public sealed record SegmentInfo(uint Segment, long Length, bool IsSealed, DateTimeOffset LastModified);

/// <summary>A stored frame read back from a shard: its sequence number, its bytes (from the frame's start) and its layout.</summary>
public readonly record struct StoredFrame(SequenceNumber SequenceNumber, ReadOnlyMemory<byte> Frame, FrameLayout Layout)
{
    /// <summary>The record's data, a slice of the frame.</summary>
    public ReadOnlySpan<byte> Data => Frame.Span.Slice(Layout.DataOffset, Layout.DataLength);

    /// <summary>The partition key's UTF-8 bytes, a slice of the frame.</summary>
    public ReadOnlySpan<byte> PartitionKeyUtf8 => Frame.Span.Slice(Layout.KeyOffset, Layout.KeyLength);

    /// <summary>The record decoded into objects (partition key string, data sliced from the frame).</summary>
    public ShardRecord ToRecord() => new(SequenceNumber, RecordFrame.Decode(Frame, Layout));
}

/// <summary>Like <see cref="ShardRead"/>, with the frames as stored instead of decoded records.</summary>
public sealed record ShardFrameRead(IReadOnlyList<StoredFrame> Frames, SequenceNumber Next, IReadOnlyList<CorruptRegion> Corrupt, bool CaughtUp);
