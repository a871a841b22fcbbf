using Platform.Streams.Client.Model;

namespace Platform.Streams.Client.Consumer;

/// <summary>Reading one shard: iterator, GetRecords loop with pauses when caught up, and the end of a closed shard.</summary>
internal sealed partial class ConsumerSession
{
    private async Task ReadShardAsync(string shardId, StartPosition start, CancellationToken cancellationToken)
    {
        ShardOutcome outcome;
        try
        {
            outcome = await ReadToEndAsync(shardId, start, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            outcome = new ShardOutcome(shardId, null, e);
        }

        await _outcomes.Writer.WriteAsync(outcome, cancellationToken);
    }

    private async Task<ShardOutcome> ReadToEndAsync(string shardId, StartPosition start, CancellationToken cancellationToken)
    {
        ClientLog.ShardStarted(_logger, _options.StreamName, shardId, start);
        string? lastSequenceNumber = null;
        var iterator = await GetIteratorAsync(shardId, start, lastSequenceNumber, cancellationToken);
        var idleDelay = _options.PollInterval;
        var failures = 0;
        while (iterator is not null)
        {
            GetRecordsResponse response;
            try
            {
                response = await _client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator, Limit = _options.MaxRecordsPerRead }, cancellationToken);
                failures = 0;
            }
            catch (KinesisException e) when (e.ErrorType == KinesisErrorTypes.ExpiredIterator)
            {
                // Iterators live 5 minutes; a reader held up that long (a slow enumerator) continues where it was.
                ClientLog.IteratorExpired(_logger, _options.StreamName, shardId, lastSequenceNumber);
                iterator = await GetIteratorAsync(shardId, start, lastSequenceNumber, cancellationToken);
                continue;
            }
            catch (KinesisException e) when (e.IsTransient)
            {
                var delay = Backoff(++failures);
                ClientLog.ShardReadRetrying(_logger, _options.StreamName, shardId, e.ErrorType, delay, e);
                await Task.Delay(delay, _timeProvider, cancellationToken);
                continue;
            }

            foreach (var record in response.Records)
            {
                await _records.Writer.WriteAsync(
                    new ConsumedRecord(shardId, record.SequenceNumber, record.PartitionKey, record.ApproximateArrivalTimestamp, record.Data),
                    cancellationToken);
                lastSequenceNumber = record.SequenceNumber;
            }

            iterator = response.NextShardIterator;
            if (iterator is null)
            {
                return new ShardOutcome(shardId, response.ChildShards, null);
            }

            if (response.Records.Count >= _options.MaxRecordsPerRead || response.MillisBehindLatest > 0)
            {
                // More is waiting: read on at once.
                continue;
            }

            if (response.Records.Count > 0)
            {
                idleDelay = _options.PollInterval;
            }

            await Task.Delay(idleDelay, _timeProvider, cancellationToken);
            if (response.Records.Count == 0)
            {
                idleDelay = TimeSpan.FromTicks(Math.Min(Math.Max(idleDelay.Ticks * 2, TimeSpan.TicksPerMillisecond), _options.MaxIdleDelay.Ticks));
            }
        }

        // GetShardIterator had nothing to give: a closed shard at LATEST, or one already past retention.
        return new ShardOutcome(shardId, null, null);
    }

    /// <summary>
    /// An iterator after the last record read, or at the shard's start position before any. Null when
    /// the shard is closed and there is nothing at that position.
    /// </summary>
    private async Task<string?> GetIteratorAsync(string shardId, StartPosition start, string? afterSequenceNumber, CancellationToken cancellationToken)
    {
        var request = new GetShardIteratorRequest
        {
            StreamName = _options.StreamName,
            ShardId = shardId,
            ShardIteratorType = afterSequenceNumber is not null ? ShardIteratorType.AfterSequenceNumber
                : start == StartPosition.Latest ? ShardIteratorType.Latest
                : ShardIteratorType.TrimHorizon,
            StartingSequenceNumber = afterSequenceNumber,
        };
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return (await _client.GetShardIteratorAsync(request, cancellationToken)).ShardIterator;
            }
            catch (KinesisException e) when (e.IsTransient)
            {
                var delay = Backoff(attempt);
                ClientLog.ShardReadRetrying(_logger, _options.StreamName, shardId, e.ErrorType, delay, e);
                await Task.Delay(delay, _timeProvider, cancellationToken);
            }
        }
    }
}
