using System.Buffers;
using System.Globalization;
using System.Text;
using Platform.Streams.Control;
using Platform.Streams.Log;
using Platform.Streams.Records;
using Platform.Streams.Routing;

namespace Platform.Streams.Service;

/// <summary>A record as a producer sends it.</summary>
public readonly record struct PutRecordInput(string? PartitionKey, string? ExplicitHashKey, ReadOnlyMemory<byte> Data);

/// <summary>The outcome for one record of a put: where it landed, or why it did not.</summary>
public readonly record struct PutRecordOutcome(string? ShardId, SequenceNumber SequenceNumber, string? ErrorCode, string? ErrorMessage)
{
    public bool Succeeded => ErrorCode is null;
}

/// <summary>A shard that follows a closed one, as GetRecords reports it at the parent's end.</summary>
public sealed record ChildShardInfo(string ShardId, IReadOnlyList<string> ParentShards, HashKeyRange Range);

/// <summary>One GetRecords answer.</summary>
public sealed record GetRecordsResult(IReadOnlyList<ShardRecord> Records, string? NextShardIterator, long MillisBehindLatest, IReadOnlyList<ChildShardInfo>? ChildShards)
{
    /// <summary>Where the shard's next read starts: just past this answer's records and whatever the read passed over.</summary>
    public SequenceNumber Next { get; init; }
}

/// <summary>
/// One GetRecords answer with the records as stored frames: slices of the read's pooled buffers, valid until the
/// answer is disposed (see <see cref="ShardFrameRead"/>).
/// </summary>
public sealed record GetRecordFramesResult(IReadOnlyList<StoredFrame> Frames, string? NextShardIterator, long MillisBehindLatest, IReadOnlyList<ChildShardInfo>? ChildShards) : IDisposable
{
    /// <summary>Where the shard's next read starts: just past this answer's records and whatever the read passed over.</summary>
    public SequenceNumber Next { get; init; }

    /// <summary>The read the frames are slices of.</summary>
    internal ShardFrameRead? Read { get; init; }

    public void Dispose() => Read?.Dispose();
}

/// <summary>Shard iterator types.</summary>
public static class IteratorType
{
    public const string TrimHorizon = "TRIM_HORIZON";
    public const string Latest = "LATEST";
    public const string AtSequenceNumber = "AT_SEQUENCE_NUMBER";
    public const string AfterSequenceNumber = "AFTER_SEQUENCE_NUMBER";
    public const string AtTimestamp = "AT_TIMESTAMP";
}

public sealed partial class StreamService
{
    public const int MaxRecordsPerPut = 500;
    public const long MaxPutRequestBytes = 5L * 1024 * 1024;
    public const int MaxRecordBytes = 1024 * 1024;
    public const int MaxGetRecordsLimit = 10_000;
    public const long MaxGetRecordsBytes = 10L * 1024 * 1024;
    private const int MaxRouteAttempts = 4;

    /// <summary>Most storage reads one GetRecords makes while passing over records before an AT_TIMESTAMP time.</summary>
    private const int MaxSkippingReads = 16;

    /// <summary>PutRecord: one record, errors thrown.</summary>
    public async Task<PutRecordOutcome> PutRecordAsync(string name, PutRecordInput record, CancellationToken cancellationToken)
    {
        var batch = PutBatch.From([record]);
        var outcome = (await PutAsync(name, batch.Buffer, batch.Records, "", cancellationToken))[0];
        if (!outcome.Succeeded)
        {
            throw new KinesisException(outcome.ErrorCode!, outcome.ErrorMessage!, outcome.ErrorCode == KinesisErrors.InternalFailure ? 500 : 400);
        }

        return outcome;
    }

    /// <summary>PutRecords: up to 500 records; each gets a sequence number or an error of its own.</summary>
    public async Task<PutRecordOutcome[]> PutRecordsAsync(string name, IReadOnlyList<PutRecordInput> records, CancellationToken cancellationToken)
    {
        CheckPutRecordsCount(records.Count);
        var batch = PutBatch.From(records);
        return await PutAsync(name, batch.Buffer, batch.Records, "records.", cancellationToken);
    }

    /// <summary>
    /// PutRecords from records that are slices of one buffer (a request body decoded in place, see
    /// <c>PutRecordsReader</c>): no per-record objects on the way to the shard's group commit.
    /// </summary>
    /// <param name="name">The stream.</param>
    /// <param name="buffer">The bytes the slices point into.</param>
    /// <param name="records">The records, 1 to 500 of them.</param>
    /// <param name="cancellationToken">Cancels the put (records already queued to a shard still land).</param>
    public Task<PutRecordOutcome[]> PutRecordsAsync(string name, ReadOnlyMemory<byte> buffer, ReadOnlyMemory<PutRecordSlice> records, CancellationToken cancellationToken)
    {
        CheckPutRecordsCount(records.Length);
        return PutAsync(name, buffer, records, "records.", cancellationToken);
    }

    /// <summary>The PutRecords record-count rule, phrased as AWS phrases it.</summary>
    public static void CheckPutRecordsCount(int count)
    {
        if (count == 0)
        {
            throw KinesisErrors.Constraint("records", "[]", "Member must have length greater than or equal to 1");
        }

        if (count > MaxRecordsPerPut)
        {
            throw KinesisErrors.Constraint("records", $"[{count} records]", $"Member must have length less than or equal to {MaxRecordsPerPut}");
        }
    }

    private async Task<PutRecordOutcome[]> PutAsync(string name, ReadOnlyMemory<byte> buffer, ReadOnlyMemory<PutRecordSlice> records, string memberPrefix, CancellationToken cancellationToken)
    {
        var arrival = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var count = records.Length;
        var hashKeys = new UInt128[count];
        var explicitKeys = new UInt128?[count];
        var frameBytes = new int[count];
        var dataBytes = new int[count];
        long total = 0;
        for (var i = 0; i < count; i++)
        {
            var member = count > 1 || memberPrefix.Length > 0 ? $"{memberPrefix}{i + 1}.member." : "";
            (hashKeys[i], explicitKeys[i], dataBytes[i]) = Prepare(buffer.Span, records.Span[i], member);
            frameBytes[i] = RecordFrame.Measure(records.Span[i].KeyLength, explicitKeys[i] is not null, records.Span[i].DataLength);
            total += dataBytes[i];
        }

        if (total > MaxPutRequestBytes)
        {
            throw KinesisErrors.InvalidArgument($"Records size exceeds 5 MB limit: the request holds {total} bytes of data and partition keys.");
        }

        var outcomes = new PutRecordOutcome[count];
        var pending = new List<int>(count);
        for (var i = 0; i < count; i++)
        {
            pending.Add(i);
        }

        var document = await RequireWritableAsync(name, cancellationToken);
        var route = new int[count];
        var frameAt = new int[count];
        for (var attempt = 0; attempt < MaxRouteAttempts && pending.Count > 0; attempt++)
        {
            if (attempt > 0)
            {
                document = await RequireStreamAsync(name, fresh: true, cancellationToken);
            }

            var writable = WritableShards(document);
            var used = new bool[writable.Count];
            var attemptBytes = 0;
            foreach (var index in pending)
            {
                route[index] = Route(document, writable, hashKeys[index]);
                used[route[index]] = true;
                attemptBytes += frameBytes[index];
            }

            // Frames of one shard are encoded next to each other in request order, so each piece is one slice.
            var frames = ArrayPool<byte>.Shared.Rent(attemptBytes);
            var puts = new List<(Task<SequenceNumber> Task, List<int> Indices, string ShardId)>();
            try
            {
                var position = 0;
                for (var w = 0; w < writable.Count; w++)
                {
                    if (!used[w])
                    {
                        continue;
                    }

                    var shard = writable[w];
                    var handle = await GetShardAsync(document, shard.ShardId, cancellationToken);
                    var chunk = new List<int>();
                    var chunkStart = position;
                    foreach (var index in pending)
                    {
                        if (route[index] != w)
                        {
                            continue;
                        }

                        if (_options.EnforceShardWriteLimits && !handle.Quota.TryTake(dataBytes[index]))
                        {
                            outcomes[index] = new PutRecordOutcome(null, default, KinesisErrors.ProvisionedThroughputExceeded, $"Rate exceeded for shard {shard.ShardId} in stream {name} under account {Account}.");
                            continue;
                        }

                        if (chunk.Count > 0 && position - chunkStart + frameBytes[index] > Storage.BlobLimits.MaxAppendBlockBytes)
                        {
                            puts.Add((handle.Writer.PutFramesAsync(frames.AsMemory(chunkStart, position - chunkStart), cancellationToken), chunk, shard.ShardId));
                            chunk = [];
                            chunkStart = position;
                        }

                        var slice = records.Span[index];
                        var span = buffer.Span;
                        frameAt[index] = position - chunkStart;
                        position += RecordFrame.Write(frames.AsSpan(position), span.Slice(slice.KeyOffset, slice.KeyLength), explicitKeys[index], arrival, span.Slice(slice.DataOffset, slice.DataLength));
                        chunk.Add(index);
                    }

                    if (chunk.Count > 0)
                    {
                        puts.Add((handle.Writer.PutFramesAsync(frames.AsMemory(chunkStart, position - chunkStart), cancellationToken), chunk, shard.ShardId));
                    }
                }

                var retry = new List<int>();
                foreach (var (task, indices, shardId) in puts)
                {
                    try
                    {
                        var start = await task;
                        foreach (var index in indices)
                        {
                            outcomes[index] = new PutRecordOutcome(shardId, new SequenceNumber(start.Segment, start.Offset + frameAt[index]), null, null);
                        }
                    }
                    catch (ShardClosedException)
                    {
                        // Resharding closed the shard: nothing of this put landed; route again to its children.
                        _knownClosed[(document.Incarnation, ShardId.Parse(shardId).Index)] = true;
                        retry.AddRange(indices);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        foreach (var index in indices)
                        {
                            outcomes[index] = new PutRecordOutcome(null, default, KinesisErrors.InternalFailure, "Internal service failure.");
                        }
                    }
                }

                retry.Sort(); // request order, so a retried shard's records stay in order
                pending = retry;
            }
            finally
            {
                // A writer reads the frames until its put completes; a put abandoned mid-way leaves the buffer to the GC.
                if (puts.TrueForAll(p => p.Task.IsCompleted))
                {
                    ArrayPool<byte>.Shared.Return(frames);
                }
            }
        }

        foreach (var index in pending)
        {
            outcomes[index] = new PutRecordOutcome(null, default, KinesisErrors.InternalFailure, "Internal service failure: the shard was resharded repeatedly during the put.");
        }

        return outcomes;
    }

    /// <summary>Checks one record against Kinesis's rules and finds its hash key; returns the bytes it counts against the 5 MB limit.</summary>
    private static (UInt128 HashKey, UInt128? ExplicitKey, int Bytes) Prepare(ReadOnlySpan<byte> buffer, PutRecordSlice record, string member)
    {
        if (record.KeyOffset < 0 || record.KeyLength == 0)
        {
            throw KinesisErrors.Constraint(member + "partitionKey", record.KeyOffset < 0 ? "null" : "", "PartitionKey must be at least 1 character long.");
        }

        var key = buffer.Slice(record.KeyOffset, record.KeyLength);
        if (key.Length > PartitionKeys.MaxLength && PartitionKeys.CountCodePoints(key) > PartitionKeys.MaxLength)
        {
            throw KinesisErrors.Constraint(member + "partitionKey", Encoding.UTF8.GetString(key), $"PartitionKey must be at most {PartitionKeys.MaxLength} characters long.");
        }

        if (record.DataOffset < 0)
        {
            throw KinesisErrors.Constraint(member + "data", "null", "Member must not be null");
        }

        if (record.DataLength > MaxRecordBytes)
        {
            throw KinesisErrors.Constraint(member + "data", $"java.nio.HeapByteBuffer[pos=0 lim={record.DataLength} cap={record.DataLength}]", $"Member must have length less than or equal to {MaxRecordBytes}");
        }

        if (record.DataLength + key.Length > MaxRecordBytes)
        {
            throw KinesisErrors.InvalidArgument($"A record's data plus partition key is {record.DataLength + key.Length} bytes, over the 1 MiB limit.");
        }

        UInt128? explicitKey = null;
        UInt128 hashKey;
        if (record.ExplicitHashKey is not null)
        {
            if (!HashKey.TryParse(record.ExplicitHashKey, out hashKey, out var error))
            {
                throw KinesisErrors.InvalidArgument($"Invalid ExplicitHashKey. {error}");
            }

            explicitKey = hashKey;
        }
        else
        {
            hashKey = HashKey.FromPartitionKey(key);
        }

        return (hashKey, explicitKey, record.DataLength + key.Length);
    }

    /// <summary>
    /// The shard a hash key goes to: of the open shards whose range holds it, the oldest that this host has not
    /// seen closed. During a reshard the parent keeps taking records until it is sealed, so a partition key's
    /// records never land in a child before its parent's last one.
    /// </summary>
    private List<ShardEntry> WritableShards(StreamDocument document) =>
        [.. document.Shards.Where(s => !s.IsClosed && !_knownClosed.ContainsKey((document.Incarnation, s.Index))).OrderBy(s => s.Index)];

    private static int Route(StreamDocument document, List<ShardEntry> writable, UInt128 hashKey)
    {
        for (var i = 0; i < writable.Count; i++)
        {
            if (writable[i].Range.Contains(hashKey))
            {
                return i;
            }
        }

        throw new KinesisException(KinesisErrors.InternalFailure, $"No open shard of stream {document.Name} holds hash key {hashKey}; try again.", 500);
    }

    public async Task<string> GetShardIteratorAsync(string name, string? shardId, string? type, string? sequenceNumber, DateTimeOffset? timestamp, CancellationToken cancellationToken)
    {
        var document = await RequireStreamAsync(name, fresh: false, cancellationToken);
        if (shardId is not null && document.FindShard(shardId) is null)
        {
            document = await RequireStreamAsync(name, fresh: true, cancellationToken);
        }

        if (document.Status == StreamStatus.Deleting)
        {
            throw KinesisErrors.StreamNotFound(name, Account);
        }

        var shard = RequireShard(document, shardId);
        var handle = await GetShardAsync(document, shard.ShardId, cancellationToken);
        SequenceNumber position;
        DateTimeOffset? notBefore = null;
        switch (type)
        {
            case IteratorType.TrimHorizon:
                position = new SequenceNumber(0, 0);
                break;
            case IteratorType.Latest:
                position = await handle.Log.TipAsync(cancellationToken);
                break;
            case IteratorType.AtSequenceNumber or IteratorType.AfterSequenceNumber:
                if (sequenceNumber is null)
                {
                    throw KinesisErrors.InvalidArgument($"StartingSequenceNumber is required for {type}.");
                }

                if (!SequenceNumber.TryParse(sequenceNumber, out position, out var error))
                {
                    throw KinesisErrors.InvalidArgument($"StartingSequenceNumber {sequenceNumber} used in GetShardIterator on shard {shard.ShardId} in stream {name} under account {Account} is invalid. {error}");
                }

                position = await ResolveSequenceNumberAsync(handle.Log, position, after: type == IteratorType.AfterSequenceNumber, cancellationToken);
                break;
            case IteratorType.AtTimestamp:
                if (timestamp is null)
                {
                    throw KinesisErrors.InvalidArgument("Timestamp is required for AT_TIMESTAMP.");
                }

                position = await FindTimestampAsync(handle.Log, timestamp.Value, cancellationToken);
                notBefore = timestamp;
                break;
            default:
                throw KinesisErrors.Constraint("shardIteratorType", type ?? "null", "Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, AT_SEQUENCE_NUMBER, AT_TIMESTAMP, TRIM_HORIZON, LATEST]");
        }

        return _iterators.Encode(new ShardIteratorState(document.Name, document.Incarnation, ShardId.Parse(shard.ShardId).Index, position, notBefore, _time.GetUtcNow()));
    }

    /// <summary>
    /// Where AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER starts: at the record with that number, or the one after it.
    /// A number no record has (the shard's starting number, or a SubscribeToShard continuation, which falls just below
    /// the next record) starts at the first record above it, for both types. The bytes between such a number and
    /// that record are the end of an earlier frame, not damage, so they are passed over without a report.
    /// </summary>
    private static async Task<SequenceNumber> ResolveSequenceNumberAsync(ShardLog log, SequenceNumber number, bool after, CancellationToken cancellationToken)
    {
        if (number == SequenceNumber.BeforeFirst)
        {
            return new SequenceNumber(0, 0);
        }

        // Frames, not records: only their positions are wanted, so nothing is decoded or copied.
        using var read = await log.ReadFramesAsync(number, 2, long.MaxValue, cancellationToken);
        if (read.Frames.Count == 0)
        {
            return read.Next;
        }

        if (after && read.Frames[0].SequenceNumber == number)
        {
            return read.Frames.Count > 1 ? read.Frames[1].SequenceNumber : read.Next;
        }

        return read.Frames[0].SequenceNumber;
    }

    /// <summary>
    /// Where to start reading for AT_TIMESTAMP: a binary search over segments by their first record's arrival
    /// time (one small read per probe), then the reader skips records before the time within that segment.
    /// </summary>
    private static async Task<SequenceNumber> FindTimestampAsync(ShardLog log, DateTimeOffset timestamp, CancellationToken cancellationToken)
    {
        var segments = await log.ListSegmentsAsync(cancellationToken);
        int low = 0, high = segments.Count - 1, found = 0;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            var first = await log.FirstArrivalAsync(segments[middle].Segment, cancellationToken);
            if (first is not null && first.Value <= timestamp)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return segments.Count == 0 ? new SequenceNumber(0, 0) : new SequenceNumber(segments[found].Segment, 0);
    }

    public async Task<GetRecordsResult> GetRecordsAsync(string? iterator, int? limit, CancellationToken cancellationToken)
    {
        using var read = await GetRecordFramesAsync(iterator, limit, cancellationToken);
        var records = new ShardRecord[read.Frames.Count];
        for (var i = 0; i < records.Length; i++)
        {
            records[i] = read.Frames[i].ToRecord();
        }

        return new GetRecordsResult(records, read.NextShardIterator, read.MillisBehindLatest, read.ChildShards) { Next = read.Next };
    }

    /// <summary><see cref="GetRecordsAsync"/> with the records as stored frames, for writing a response straight from them.</summary>
    public async Task<GetRecordFramesResult> GetRecordFramesAsync(string? iterator, int? limit, CancellationToken cancellationToken)
    {
        var max = limit ?? MaxGetRecordsLimit;
        if (max is < 1 or > MaxGetRecordsLimit)
        {
            throw KinesisErrors.Constraint("limit", max.ToString(CultureInfo.InvariantCulture), $"Member must have value between 1 and {MaxGetRecordsLimit}");
        }

        var (state, document, shard, handle, now) = await OpenIteratorAsync(iterator, cancellationToken);
        var shardId = shard.ShardId;
        var maxBytes = Options.GetRecordsMaxBytes;
        var position = state.Position;
        var notBefore = state.NotBefore;
        IReadOnlyList<StoredFrame> frames;
        ShardFrameRead? read = null;
        long skipped = 0;
        var reads = 0;
        try
        {
            while (true)
            {
                reads++;
                read?.Dispose(); // an earlier read of records all before an AT_TIMESTAMP time
                read = await handle.Log.ReadFramesAsync(position, max, maxBytes, cancellationToken);
                if (read.Corrupt.Count > 0)
                {
                    StreamLog.CorruptSkipped(_logger, read.Corrupt.Count, document.Name, shardId, read.Corrupt[0].Segment, read.Corrupt[0].Offset);
                }

                frames = read.Frames;
                if (notBefore is null)
                {
                    break;
                }

                // AT_TIMESTAMP: records before the time are passed over; from the first one at or after it, all count.
                var notBeforeMs = notBefore.Value.ToUnixTimeMilliseconds();
                var firstMatch = 0;
                while (firstMatch < read.Frames.Count && read.Frames[firstMatch].Layout.ArrivalUnixMs < notBeforeMs)
                {
                    firstMatch++;
                }

                frames = firstMatch == 0 ? read.Frames : read.Frames.Skip(firstMatch).ToList();
                if (frames.Count > 0)
                {
                    notBefore = null;
                    break;
                }

                // Only passed-over records so far: keep going in this call, up to what one full answer may read, rather
                // than answering empty after every GetRecordsMaxBytes.
                skipped += read.Frames.Sum(f => (long)f.Layout.DataLength);
                position = read.Next;
                if (read.CaughtUp || skipped >= MaxGetRecordsBytes || reads >= MaxSkippingReads)
                {
                    break;
                }
            }

            // Not caught up means records wait past this answer: MillisBehindLatest is then at least 1, even when the last
            // record read arrived this very millisecond, so a consumer reads on instead of pausing as at the tip.
            var behind = read.CaughtUp ? 0
                : read.Frames.Count == 0 ? 1
                : Math.Max(1, (long)(now - read.Frames[^1].Layout.ArrivalTime).TotalMilliseconds);
            if (shard.IsClosed && read.CaughtUp && SequenceNumber.TryParse(shard.EndingSequenceNumber, out var end, out _) && read.Next >= end)
            {
                return new GetRecordFramesResult(frames, null, 0, ChildrenOf(document, shardId)) { Read = read, Next = read.Next };
            }

            var next = _iterators.Encode(state with { Position = read.Next, NotBefore = notBefore, IssuedAt = now });
            return new GetRecordFramesResult(frames, next, behind, null) { Read = read, Next = read.Next };
        }
        catch
        {
            read?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Waits until this host commits to the shard or <paramref name="atMost"/> passes (records written by other
    /// hosts are found by the caller's next read, so this is the polling interval for them).
    /// </summary>
    public async Task WaitForRecordsAsync(string name, string shardId, TimeSpan atMost, CancellationToken cancellationToken)
    {
        var document = await RequireStreamAsync(name, fresh: false, cancellationToken);
        var handle = await GetShardAsync(document, RequireShard(document, shardId).ShardId, cancellationToken);
        try
        {
            await handle.Writer.WaitForCommitAsync(cancellationToken).WaitAsync(atMost, _time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Nothing committed here meanwhile; the caller reads again for other hosts' records.
        }
    }

    private static List<ChildShardInfo> ChildrenOf(StreamDocument document, string shardId) =>
        [.. document.Shards
            .Where(s => s.ParentShardId == shardId || s.AdjacentParentShardId == shardId)
            .Select(s => new ChildShardInfo(s.ShardId, s.AdjacentParentShardId is null ? [s.ParentShardId!] : [s.ParentShardId!, s.AdjacentParentShardId], s.Range))];
}
