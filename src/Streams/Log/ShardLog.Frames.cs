using Platform.Storage;
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
    public async Task<ShardFrames> ReadFramesAsync(SequenceNumber from, int maxRecords, int readBytes, FrameSlice[]? reuse, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecords, 1);
        readBytes = Math.Max(readBytes, _options.ReadChunkBytes);
        var slices = reuse ?? [];
        var position = from;
        List<CorruptRegion>? corrupt = null;
        while (true)
        {
            BlobDownload chunk;
            try
            {
                chunk = await _store.ReadAsync(SegmentPath(position.Segment), new BlobRange(position.Offset, readBytes), cancellationToken: cancellationToken);
            }
            catch (BlobNotFoundException)
            {
                var oldest = await FindOldestSegmentAsync(cancellationToken);
                if (oldest is null || oldest <= position.Segment)
                {
                    return Empty(position, caughtUp: true);
                }

                position = new SequenceNumber(oldest.Value, 0);
                continue;
            }
            catch (BlobStorageException e) when (e.ErrorCode == BlobErrorCodes.InvalidRange)
            {
                // At the end of this segment. Only a sealed segment is finished; then continue in the next one.
                var properties = await _store.GetPropertiesAsync(SegmentPath(position.Segment), cancellationToken: cancellationToken);
                if (properties.IsSealed && properties.Length > position.Offset)
                {
                    continue;
                }

                if (!properties.IsSealed || !await SegmentExistsAsync(position.Segment + 1, cancellationToken))
                {
                    return Empty(position, caughtUp: true);
                }

                position = new SequenceNumber(position.Segment + 1, 0);
                continue;
            }

            var reachedEnd = position.Offset + chunk.Content.Length >= chunk.Properties.Length;
            var count = FrameScanner.Locate(chunk.Content, position.Offset, reachedEnd, maxRecords, ref slices, ref corrupt, out var consumed);
            if (count == 0 && consumed == 0)
            {
                // Only the start of a frame that continues past what storage holds now: caught up for the moment.
                return Empty(position, caughtUp: true);
            }

            IReadOnlyList<CorruptRegion> skipped = corrupt is null ? [] : [.. corrupt.Select(c => c with { Segment = position.Segment })];
            var next = new SequenceNumber(position.Segment, position.Offset + consumed);
            // Caught up only at the end of a segment that may still grow: after a sealed one the next read moves on.
            var caughtUp = reachedEnd && !chunk.Properties.IsSealed && consumed == chunk.Content.Length && count < maxRecords;
            return new ShardFrames(position.Segment, position.Offset, chunk.Content, slices, count, next, skipped, caughtUp);
        }

        ShardFrames Empty(SequenceNumber at, bool caughtUp) =>
            new(at.Segment, at.Offset, ReadOnlyMemory<byte>.Empty, slices, 0, at, corrupt is null ? [] : [.. corrupt], caughtUp);
    }
}
