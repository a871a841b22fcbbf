using System.Buffers;
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

    /// <summary>The record decoded into objects (partition key string, data in a copy of the frame of its own).</summary>
    public ShardRecord ToRecord() => new(SequenceNumber, RecordFrame.Decode(Frame.ToArray(), Layout));
}

/// <summary>
/// Like <see cref="ShardRead"/>, with the frames as stored instead of decoded records. The frames are slices of read
/// buffers rented from the shared pool (a GetRecords reads up to a megabyte or more, and a fresh array each time
/// costs the collector and the kernel more than the read): they are valid until <see cref="Dispose"/> gives the
/// buffers back, after which <see cref="Frames"/> is empty. A caller that keeps records longer copies them
/// (<see cref="StoredFrame.ToRecord"/> does).
/// </summary>
public sealed class ShardFrameRead : IDisposable
{
    private List<byte[]>? _rented;

    public ShardFrameRead(IReadOnlyList<StoredFrame> frames, SequenceNumber next, IReadOnlyList<CorruptRegion> corrupt, bool caughtUp, List<byte[]>? rented = null)
    {
        Frames = frames;
        Next = next;
        Corrupt = corrupt;
        CaughtUp = caughtUp;
        _rented = rented;
    }

    public IReadOnlyList<StoredFrame> Frames { get; private set; }

    public SequenceNumber Next { get; }

    public IReadOnlyList<CorruptRegion> Corrupt { get; }

    public bool CaughtUp { get; }

    public void Dispose()
    {
        var rented = Interlocked.Exchange(ref _rented, null);
        if (rented is null)
        {
            return;
        }

        Frames = [];
        Return(rented);
    }

    /// <summary>Gives rented read buffers back to the shared pool (and forgets them).</summary>
    internal static void Return(List<byte[]> rented)
    {
        foreach (var buffer in rented)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        rented.Clear();
    }
}
