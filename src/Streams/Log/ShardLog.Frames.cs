using Platform.Streams.Records;

namespace Platform.Streams.Log;

public sealed partial class ShardLog
{
    /// <summary>
    /// Reads the whole frames of one storage read (up to <paramref name="readBytes"/>) starting at
    /// <paramref name="from"/>, at most <paramref name="maxRecords"/>, located but not decoded, for readers that
    /// consume records in bulk (the function runtime). Moves past a finished (sealed) segment and a position in a
    /// segment that retention deleted, as <see cref="ReadAsync(SequenceNumber, int, long, CancellationToken)"/> does.
    /// </summary>
    /// <param name="from">Where to start (inclusive).</param>
    /// <param name="maxRecords">Most frames to return.</param>
    /// <param name="readBytes">Most bytes to read, at least <see cref="ShardLogOptions.ReadChunkBytes"/>.</param>
    /// <param name="reuse">The <see cref="ShardFrames.Slices"/> of an earlier read the caller is done with, or null.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<ShardFrames> ReadFramesAsync(SequenceNumber from, int maxRecords, int readBytes, ScannedFrame[]? reuse, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecords, 1);
        readBytes = Math.Max(readBytes, _options.ReadChunkBytes);
        var frames = reuse ?? [];
        var (chunk, position) = await ReadSegmentAsync(from, readBytes, into: null, cancellationToken);
        if (chunk is null)
        {
            return Empty(position);
        }

        var reachedEnd = position.Offset + chunk.Content.Length >= chunk.Properties.Length;
        List<CorruptRegion>? corrupt = null;
        var count = FrameScanner.Locate(chunk.Content.Span, position.Offset, reachedEnd, maxRecords, ref frames, ref corrupt, out var consumed);
        if (count == 0 && consumed == 0)
        {
            // Only the start of a frame that continues past what storage holds now: caught up for the moment.
            return Empty(position);
        }

        StampSegment(corrupt, 0, position.Segment);
        var next = new SequenceNumber(position.Segment, position.Offset + consumed);
        // Caught up only at the end of a segment that may still grow: after a sealed one the next read moves on.
        var caughtUp = reachedEnd && !chunk.Properties.IsSealed && consumed == chunk.Content.Length && count < maxRecords;
        return new ShardFrames(position.Segment, position.Offset, chunk.Content, frames, count, next, corrupt ?? [], caughtUp);

        ShardFrames Empty(SequenceNumber at) => new(at.Segment, at.Offset, ReadOnlyMemory<byte>.Empty, frames, 0, at, [], CaughtUp: true);
    }
}
