using Platform.Streams.Client.Model;

namespace Platform.Streams.Client.Producer;

/// <summary>The single loop that owns the send queue: takes in records and outcomes, sends requests, retries.</summary>
public sealed partial class KinesisProducer
{
    private readonly List<List<PendingRecord>> _inFlight = [];

    private async Task RunAsync()
    {
        var reader = _mailbox.Reader;
        try
        {
            while (true)
            {
                var now = _timeProvider.GetUtcNow();
                while (reader.TryRead(out var next))
                {
                    Handle(next, now);
                }

                _queue.Promote(now);
                Dispatch(now);
                if (_closing && _inFlight.Count == 0 && _gate.Outstanding == 0)
                {
                    return;
                }

                ScheduleWakeUp(now);
                await reader.WaitToReadAsync();
            }
        }
        catch (Exception e)
        {
            // A bug, not a Kinesis error (those are outcomes): fail everything rather than hang callers.
            _fault = e;
            ClientLog.ProducerCrashed(_logger, _options.StreamName, e);
            var error = new InvalidOperationException("The producer stopped after an internal error.", e);
            _gate.FailWaiters(error);
            while (reader.TryRead(out var next))
            {
                if (next.Record is { } admitted)
                {
                    admitted.Completion.TrySetException(error);
                    _flushes.Finished(admitted.Epoch);
                }
            }

            foreach (var record in _queue.RemoveAll().Concat(_inFlight.SelectMany(static batch => batch)))
            {
                record.Completion.TrySetException(error);
                _flushes.Finished(record.Epoch);
            }
        }
        finally
        {
            _mailbox.Writer.TryComplete();
        }
    }

    private void Handle(ProducerEvent next, DateTimeOffset now)
    {
        if (next.Record is { } record)
        {
            record.Deadline = now + _options.RecordTtl;
            _queue.Add(record, now);
        }
        else if (next.Sent is { } sent)
        {
            _inFlight.Remove(sent.Records);
            Apply(sent, now);
        }
        else
        {
            Volatile.Write(ref _nudged, 0);
        }
    }

    /// <summary>Sends requests while there is room in flight and a request is full, due (linger passed), or wanted now.</summary>
    private void Dispatch(DateTimeOffset now)
    {
        while (_inFlight.Count < _options.MaxRequestsInFlight && _queue.ReadyCount > 0)
        {
            var full = _queue.ReadyCount >= _options.MaxRecordsPerRequest || _queue.ReadyBytes >= _options.MaxBytesPerRequest;
            var due = _queue.SendDueAt(_options.Linger) <= now;
            if (!full && !due && !_closing && !_flushes.HasPendingFlush && !_gate.HasWaiters)
            {
                return;
            }

            var batch = new List<PendingRecord>(Math.Min(_queue.ReadyCount, _options.MaxRecordsPerRequest));
            _queue.TakeBatch(_options.MaxRecordsPerRequest, _options.MaxBytesPerRequest, batch);
            _inFlight.Add(batch);

            // Off the loop: serialising and signing up to 5 MiB should not hold up the next request.
            _ = Task.Run(() => SendAsync(batch));
        }
    }

    private async Task SendAsync(List<PendingRecord> batch)
    {
        SentBatch sent;
        try
        {
            var entries = new PutRecordsRequestEntry[batch.Count];
            for (var i = 0; i < entries.Length; i++)
            {
                var record = batch[i];
                entries[i] = new PutRecordsRequestEntry { PartitionKey = record.PartitionKey, Data = record.Data, ExplicitHashKey = record.ExplicitHashKey };
            }

            Interlocked.Increment(ref _requests);
            var response = await _client.PutRecordsAsync(new PutRecordsRequest { StreamName = _options.StreamName, Records = entries }, CancellationToken.None);
            sent = new SentBatch(batch, response, null);
        }
        catch (KinesisException e)
        {
            sent = new SentBatch(batch, null, e);
        }
        catch (Exception e)
        {
            // Not a Kinesis answer (a broken custom client, a disposed HttpClient): not worth retrying.
            sent = new SentBatch(batch, null, new KinesisException(KinesisErrorTypes.ClientError, $"PutRecords could not be sent: {e.Message}", null, e));
        }

        if (!_mailbox.Writer.TryWrite(ProducerEvent.Completed(sent)))
        {
            // Only after a crash, which has failed these records already.
            foreach (var record in batch)
            {
                record.Completion.TrySetException(new InvalidOperationException("The producer has stopped."));
            }
        }
    }

    private void Apply(SentBatch sent, DateTimeOffset now)
    {
        var records = sent.Records;
        if (sent.Error is { } error)
        {
            if (error.IsTransient)
            {
                ClientLog.RequestFailedRetrying(_logger, _options.StreamName, error.ErrorType, records.Count, error);
            }
            else
            {
                ClientLog.RequestFailed(_logger, _options.StreamName, error.ErrorType, records.Count, error);
            }

            foreach (var record in records)
            {
                FailedAttempt(record, error, now);
            }

            return;
        }

        var results = sent.Response!.Records;
        if (results.Count != records.Count)
        {
            // Without one result per record there is no telling which were stored; retrying could duplicate.
            var mismatch = new KinesisException(KinesisErrorTypes.InvalidResponse,
                $"PutRecords answered {results.Count} results for {records.Count} records.", null);
            records.ForEach(record => Fail(record, mismatch));
            return;
        }

        string? retriedType = null;
        var retried = 0;
        for (var i = 0; i < records.Count; i++)
        {
            var result = results[i];
            if (result.ErrorCode is null && result.ShardId is { } shardId && result.SequenceNumber is { } sequenceNumber)
            {
                Interlocked.Increment(ref _acknowledged);
                records[i].Completion.TrySetResult(new RecordAcknowledgement(shardId, sequenceNumber));
                Finish(records[i]);
                continue;
            }

            var type = result.ErrorCode ?? KinesisErrorTypes.InvalidResponse;
            var recordError = new KinesisException(type, result.ErrorMessage ?? $"PutRecords refused the record with {type}.", null);
            if (recordError.IsTransient)
            {
                retried++;
                retriedType = type;
            }

            FailedAttempt(records[i], recordError, now);
        }

        if (retried > 0)
        {
            ClientLog.RecordsFailedRetrying(_logger, _options.StreamName, retried, records.Count, retriedType!);
        }
    }

    /// <summary>Retries after a transient error if the backoff ends before the record's deadline; otherwise fails it.</summary>
    private void FailedAttempt(PendingRecord record, KinesisException error, DateTimeOffset now)
    {
        record.Attempts++;
        record.LastError = error;
        if (!error.IsTransient)
        {
            Fail(record, error);
            return;
        }

        var retryAt = now + RetryBackoff.Delay(record.Attempts, _options.MinBackoff, _options.MaxBackoff, Random.Shared.NextDouble());
        if (retryAt > record.Deadline)
        {
            Fail(record, new KinesisException(error.ErrorType,
                $"The record was not stored within RecordTtl ({_options.RecordTtl}) after {record.Attempts} attempts; last error: {error.Message}",
                error.StatusCode, error, error.RequestId));
            return;
        }

        Interlocked.Increment(ref _retried);
        _queue.Retry(record, retryAt);
    }

    private void Fail(PendingRecord record, KinesisException error)
    {
        Interlocked.Increment(ref _failed);
        ClientLog.RecordFailed(_logger, _options.StreamName, record.Attempts, error.ErrorType);
        record.Completion.TrySetException(error);
        Finish(record);
    }

    private void Finish(PendingRecord record)
    {
        _queue.Completed(record);
        _gate.Release(record.Size);
        _flushes.Finished(record.Epoch);
    }

    private void ScheduleWakeUp(DateTimeOffset now)
    {
        DateTimeOffset? at = _inFlight.Count < _options.MaxRequestsInFlight ? _queue.SendDueAt(_options.Linger) : null;
        if (_queue.NextRetryAt is { } retry && (at is null || retry < at))
        {
            at = retry;
        }

        var delay = at is { } when ? when - now : Timeout.InfiniteTimeSpan;
        _timer.Change(delay == Timeout.InfiniteTimeSpan ? delay : TimeSpan.FromTicks(Math.Max(delay.Ticks, TimeSpan.TicksPerMillisecond)), Timeout.InfiniteTimeSpan);
    }
}
