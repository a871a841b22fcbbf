using System.Collections.Concurrent;
using Platform.Streams.Control;
using Platform.Streams.Log;
using Platform.Streams.Records;
using Platform.Streams.Routing;

namespace Platform.Streams.Service;

/// <summary>Bulk reads and change waits for in-process consumers (the function runtime), beside the Kinesis API's GetRecords.</summary>
public sealed partial class StreamService
{
    private readonly ConcurrentDictionary<(string Name, string Incarnation), StreamTailWatcher> _watchers = new();

    /// <summary>
    /// Reads through a shard iterator like GetRecords, but returns the frames of one storage read located in its
    /// buffer instead of one object per record, so a bulk consumer pays per record only for what it uses. No
    /// GetRecords limits apply: a read returns at most <paramref name="maxRecords"/> records of one storage read.
    /// </summary>
    /// <param name="iterator">A shard iterator from GetShardIterator, GetRecords or an earlier chunk.</param>
    /// <param name="maxRecords">Most records to return.</param>
    /// <param name="readBytes">Most bytes of storage to read (at least the log's read chunk, 4 MiB).</param>
    /// <param name="reuse">The frame slices of an earlier chunk the caller is done with, or null.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="KinesisException">As GetRecords: an expired or malformed iterator, a deleted stream.</exception>
    public async Task<RecordChunk> ReadChunkAsync(string iterator, int maxRecords, int readBytes, ScannedFrame[]? reuse, CancellationToken cancellationToken)
    {
        var (state, document, shard, handle, _) = await OpenIteratorAsync(iterator, cancellationToken);
        var frames = await handle.Log.ReadFramesAsync(state.Position, maxRecords, readBytes, reuse, cancellationToken);
        if (frames.Corrupt.Count > 0)
        {
            StreamLog.CorruptSkipped(_logger, frames.Corrupt.Count, document.Name, shard.ShardId, frames.Corrupt[0].Segment, frames.Corrupt[0].Offset);
        }

        var first = 0;
        var notBefore = state.NotBefore;
        if (notBefore is { } at)
        {
            var limit = at.ToUnixTimeMilliseconds();
            while (first < frames.Count && frames.Slices[first].ArrivalUnixMs < limit)
            {
                first++;
            }

            if (first < frames.Count)
            {
                notBefore = null; // found the start; from here on every record counts
            }
        }

        if (shard.IsClosed && frames.CaughtUp && frames.Count == 0 && SequenceNumber.TryParse(shard.EndingSequenceNumber, out var end, out _) && frames.Next >= end)
        {
            return new RecordChunk(frames, first, null, ChildrenOf(document, shard.ShardId));
        }

        var next = _iterators.Encode(state with { Position = frames.Next, NotBefore = notBefore, IssuedAt = _time.GetUtcNow() });
        return new RecordChunk(frames, first, next, null);
    }

    /// <summary>
    /// Waits until the shard an iterator points into may hold records past it: at once when this host commits to
    /// the shard (or already has since the iterator's read), when the shared listing of the stream
    /// (<see cref="TailPolling"/>) shows another host's append, or when <paramref name="atMost"/> passes.
    /// </summary>
    /// <param name="iterator">The iterator of a read that caught up.</param>
    /// <param name="polling">How often to look in storage for other hosts' appends.</param>
    /// <param name="atMost">The longest wait.</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    public async Task WaitForChangeAsync(string iterator, TailPolling polling, TimeSpan atMost, CancellationToken cancellationToken)
    {
        var (state, document, _, handle, _) = await OpenIteratorAsync(iterator, cancellationToken);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var committed = handle.Writer.WaitForCommitAsync(done.Token);
        if (handle.Log.LastAppendEnd is { } local && local > state.Position)
        {
            await done.CancelAsync();
            return;
        }

        var watcher = _watchers.GetOrAdd((document.Name, document.Incarnation), static (key, service) =>
            new StreamTailWatcher(service._store, Container, $"data/{key.Name}/{key.Incarnation}/", service._time, service._logger, service._stopping.Token), this);
        var appended = watcher.WaitBeyondAsync(state.ShardIndex, state.Position, polling, done.Token);
        try
        {
            await Task.WhenAny(committed, appended).WaitAsync(atMost, _time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Nothing seen meanwhile; the caller reads again anyway.
        }
        finally
        {
            await done.CancelAsync();
        }
    }

    /// <summary>Listings made by the stream's change watcher on this host so far (for tests and benchmarks).</summary>
    public long CountTailProbes(string name) => _watchers.Where(w => w.Key.Name == name).Sum(w => w.Value.Probes);

    /// <summary>
    /// Opens a shard iterator for a read (GetRecords and the bulk reads share it): checks its age and that its
    /// stream still exists, and finds its shard, looking again in a fresh stream document for a shard made since.
    /// </summary>
    /// <param name="iterator">The shard iterator.</param>
    /// <param name="cancellationToken">Cancels the look-ups.</param>
    /// <returns>The iterator's state, the stream, the shard, its handle, and the time the age was checked at.</returns>
    /// <exception cref="KinesisException">An expired or malformed iterator, a deleted stream.</exception>
    private async Task<(ShardIteratorState State, StreamDocument Document, ShardEntry Shard, ShardHandle Handle, DateTimeOffset Now)> OpenIteratorAsync(string? iterator, CancellationToken cancellationToken)
    {
        var state = _iterators.Decode(iterator);
        var now = _time.GetUtcNow();
        var ttl = TimeSpan.FromSeconds(_options.IteratorTtlSeconds);
        if (now - state.IssuedAt > ttl)
        {
            throw new KinesisException(KinesisErrors.ExpiredIterator, $"Iterator expired. The iterator was created at time {FormatTime(state.IssuedAt)} while right now it is {FormatTime(now)} which is further in the future than the tolerated delay of {(long)ttl.TotalMilliseconds} milliseconds.");
        }

        var document = await RequireStreamAsync(state.StreamName, fresh: false, cancellationToken);
        if (document.Incarnation != state.Incarnation || document.Status == StreamStatus.Deleting)
        {
            throw KinesisErrors.StreamNotFound(state.StreamName, Account);
        }

        var shardId = new ShardId(state.ShardIndex).ToString();
        var shard = document.FindShard(shardId);
        if (shard is null)
        {
            document = await RequireStreamAsync(state.StreamName, fresh: true, cancellationToken);
            shard = RequireShard(document, shardId);
        }

        var handle = await GetShardAsync(document, shardId, cancellationToken);
        return (state, document, shard, handle, now);
    }
}
