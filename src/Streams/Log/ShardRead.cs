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
