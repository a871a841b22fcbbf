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
public sealed record GetRecordsResult(IReadOnlyList<ShardRecord> Records, string? NextShardIterator, long MillisBehindLatest, IReadOnlyList<ChildShardInfo>? ChildShards);

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

    /// <summary>PutRecord: one record, errors thrown.</summary>
    public async Task<PutRecordOutcome> PutRecordAsync(string name, PutRecordInput record, CancellationToken cancellationToken)
    {
        var outcome = (await PutAsync(name, [record], "", cancellationToken))[0];
        if (!outcome.Succeeded)
        {
            throw new KinesisException(outcome.ErrorCode!, outcome.ErrorMessage!, outcome.ErrorCode == KinesisErrors.InternalFailure ? 500 : 400);
        }

        return outcome;
    }

    /// <summary>PutRecords: up to 500 records; each gets a sequence number or an error of its own.</summary>
    public async Task<PutRecordOutcome[]> PutRecordsAsync(string name, IReadOnlyList<PutRecordInput> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            throw KinesisErrors.Constraint("records", "[]", "Member must have length greater than or equal to 1");
        }

        if (records.Count > MaxRecordsPerPut)
        {
            throw KinesisErrors.Constraint("records", $"[{records.Count} records]", $"Member must have length less than or equal to {MaxRecordsPerPut}");
        }

        return await PutAsync(name, records, "records.", cancellationToken);
    }

    private async Task<PutRecordOutcome[]> PutAsync(string name, IReadOnlyList<PutRecordInput> records, string memberPrefix, CancellationToken cancellationToken)
    {
        var arrival = _time.GetUtcNow();
        var prepared = new (StreamRecordData Data, UInt128 HashKey, int Bytes, int Frame)[records.Count];
        long total = 0;
        for (var i = 0; i < records.Count; i++)
        {
            prepared[i] = Prepare(records[i], arrival, records.Count > 1 || memberPrefix.Length > 0 ? $"{memberPrefix}{i + 1}.member." : "");
            total += prepared[i].Bytes;
        }

        if (total > MaxPutRequestBytes)
        {
            throw KinesisErrors.InvalidArgument($"Records size exceeds 5 MB limit: the request holds {total} bytes of data and partition keys.");
        }

        var outcomes = new PutRecordOutcome[records.Count];
        var pending = Enumerable.Range(0, records.Count).ToList();
        var document = await RequireWritableAsync(name, cancellationToken);
        for (var attempt = 0; attempt < MaxRouteAttempts && pending.Count > 0; attempt++)
        {
            if (attempt > 0)
            {
                document = await RequireStreamAsync(name, fresh: true, cancellationToken);
            }

            var retry = new List<int>();
            var puts = new List<(Task<IReadOnlyList<SequenceNumber>> Task, List<int> Indices, string ShardId)>();
            var writable = WritableShards(document);
            foreach (var group in pending.GroupBy(i => Route(document, writable, prepared[i].HashKey)))
            {
                var shard = group.Key;
                var handle = await GetShardAsync(document, shard.ShardId, cancellationToken);
                var chunk = new List<int>();
                var chunkBytes = 0;
                foreach (var index in group)
                {
                    if (_options.EnforceShardWriteLimits && !handle.Quota.TryTake(prepared[index].Bytes))
                    {
                        outcomes[index] = new PutRecordOutcome(null, default, KinesisErrors.ProvisionedThroughputExceeded, $"Rate exceeded for shard {shard.ShardId} in stream {name} under account {Account}.");
                        continue;
                    }

                    var frame = prepared[index].Frame;
                    if (chunk.Count > 0 && chunkBytes + frame > Storage.BlobLimits.MaxAppendBlockBytes)
                    {
                        puts.Add((handle.Writer.PutAsync([.. chunk.Select(c => prepared[c].Data)], cancellationToken), chunk, shard.ShardId));
                        chunk = [];
                        chunkBytes = 0;
                    }

                    chunk.Add(index);
                    chunkBytes += frame;
                }

                if (chunk.Count > 0)
                {
                    puts.Add((handle.Writer.PutAsync([.. chunk.Select(c => prepared[c].Data)], cancellationToken), chunk, shard.ShardId));
                }
            }

            foreach (var (task, indices, shardId) in puts)
            {
                try
                {
                    var numbers = await task;
                    for (var k = 0; k < indices.Count; k++)
                    {
                        outcomes[indices[k]] = new PutRecordOutcome(shardId, numbers[k], null, null);
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

            pending = retry;
        }

        foreach (var index in pending)
        {
            outcomes[index] = new PutRecordOutcome(null, default, KinesisErrors.InternalFailure, "Internal service failure: the shard was resharded repeatedly during the put.");
        }

        return outcomes;
    }

    private static (StreamRecordData Data, UInt128 HashKey, int Bytes, int Frame) Prepare(PutRecordInput input, DateTimeOffset arrival, string member)
    {
        var keyError = PartitionKeys.Validate(input.PartitionKey);
        if (keyError is not null)
        {
            throw KinesisErrors.Constraint(member + "partitionKey", input.PartitionKey ?? "null", keyError);
        }

        if (input.Data.Length > MaxRecordBytes)
        {
            throw KinesisErrors.Constraint(member + "data", $"java.nio.HeapByteBuffer[pos=0 lim={input.Data.Length} cap={input.Data.Length}]", $"Member must have length less than or equal to {MaxRecordBytes}");
        }

        var keyBytes = Encoding.UTF8.GetByteCount(input.PartitionKey!);
        if (input.Data.Length + keyBytes > MaxRecordBytes)
        {
            throw KinesisErrors.InvalidArgument($"A record's data plus partition key is {input.Data.Length + keyBytes} bytes, over the 1 MiB limit.");
        }

        UInt128 hashKey;
        UInt128? explicitKey = null;
        if (input.ExplicitHashKey is not null)
        {
            if (!HashKey.TryParse(input.ExplicitHashKey, out hashKey, out var error))
            {
                throw KinesisErrors.InvalidArgument($"Invalid ExplicitHashKey. {error}");
            }

            explicitKey = hashKey;
        }
        else
        {
            hashKey = HashKey.FromPartitionKey(input.PartitionKey!);
        }

        var data = new StreamRecordData(input.PartitionKey!, explicitKey, arrival, input.Data);
        return (data, hashKey, input.Data.Length + keyBytes, RecordFrame.Measure(data));
    }

    /// <summary>
    /// The shard a hash key goes to: of the open shards whose range holds it, the oldest that this host has not
    /// seen closed. During a reshard the parent keeps taking records until it is sealed, so a partition key's
    /// records never land in a child before its parent's last one.
    /// </summary>
    private List<ShardEntry> WritableShards(StreamDocument document) =>
        [.. document.Shards.Where(s => !s.IsClosed && !_knownClosed.ContainsKey((document.Incarnation, s.Index))).OrderBy(s => s.Index)];

    private static ShardEntry Route(StreamDocument document, List<ShardEntry> writable, UInt128 hashKey)
    {
        foreach (var shard in writable)
        {
            if (shard.Range.Contains(hashKey))
            {
                return shard;
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

                if (type == IteratorType.AfterSequenceNumber)
                {
                    var read = await handle.Log.ReadAsync(position, 2, cancellationToken);
                    position = read.Records.Count > 0 && read.Records[0].SequenceNumber == position
                        ? (read.Records.Count > 1 ? read.Records[1].SequenceNumber : read.Next)
                        : read.Records.Count > 0 ? read.Records[0].SequenceNumber : read.Next;
                }

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
        var max = limit ?? MaxGetRecordsLimit;
        if (max is < 1 or > MaxGetRecordsLimit)
        {
            throw KinesisErrors.Constraint("limit", max.ToString(CultureInfo.InvariantCulture), $"Member must have value between 1 and {MaxGetRecordsLimit}");
        }

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
        var read = await handle.Log.ReadAsync(state.Position, max, MaxGetRecordsBytes, cancellationToken);
        if (read.Corrupt.Count > 0)
        {
            StreamLog.CorruptSkipped(_logger, read.Corrupt.Count, document.Name, shardId, read.Corrupt[0].Segment, read.Corrupt[0].Offset);
        }

        IReadOnlyList<ShardRecord> records = read.Records;
        var notBefore = state.NotBefore;
        if (notBefore is not null)
        {
            var firstMatch = 0;
            while (firstMatch < read.Records.Count && read.Records[firstMatch].Record.ArrivalTime < notBefore.Value)
            {
                firstMatch++;
            }

            firstMatch = firstMatch == read.Records.Count ? -1 : firstMatch;
            records = firstMatch < 0 ? [] : read.Records.Skip(firstMatch).ToList();
            if (firstMatch >= 0)
            {
                notBefore = null; // found the start; from here on every record counts
            }
        }

        var behind = read.CaughtUp || records.Count == 0 ? 0 : Math.Max(0, (long)(now - records[^1].Record.ArrivalTime).TotalMilliseconds);
        if (shard.IsClosed && read.CaughtUp && SequenceNumber.TryParse(shard.EndingSequenceNumber, out var end, out _) && read.Next >= end)
        {
            return new GetRecordsResult(records, null, 0, ChildrenOf(document, shardId));
        }

        var next = _iterators.Encode(state with { Position = read.Next, NotBefore = notBefore, IssuedAt = now });
        return new GetRecordsResult(records, next, behind, null);
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
