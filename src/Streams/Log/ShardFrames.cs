using Platform.Streams.Records;

namespace Platform.Streams.Log;

/// <summary>
/// The frames of one storage read of a shard, located but not decoded: record <c>i</c> is
/// <c>Slices[i]</c> of <see cref="Buffer"/>, in <see cref="Segment"/> at offset <see cref="BaseOffset"/> +
/// <c>Slices[i].Start</c>. The reader owns <see cref="Slices"/> and may pass it back to the next read for reuse.
/// </summary>
/// <param name="Segment">The segment every frame is in.</param>
/// <param name="BaseOffset">The segment offset of <see cref="Buffer"/>'s first byte.</param>
/// <param name="Buffer">The bytes read; record data are slices of it.</param>
/// <param name="Slices">Where each frame lies in the buffer; only the first <see cref="Count"/> are this read's.</param>
/// <param name="Count">How many frames were found.</param>
/// <param name="Next">Where to continue (inclusive).</param>
/// <param name="Corrupt">Regions skipped because they hold no valid frame.</param>
/// <param name="CaughtUp">True when the read reached the shard's current end.</param>
public sealed record ShardFrames(uint Segment, long BaseOffset, ReadOnlyMemory<byte> Buffer, ScannedFrame[] Slices, int Count, SequenceNumber Next, IReadOnlyList<CorruptRegion> Corrupt, bool CaughtUp)
{
    /// <summary>The sequence number of frame <paramref name="index"/>.</summary>
    public SequenceNumber SequenceNumberOf(int index) => new(Segment, BaseOffset + Slices[index].Position);
}
