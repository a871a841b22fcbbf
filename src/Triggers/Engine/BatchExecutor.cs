using Platform.Triggers.Binding;
using Platform.Triggers.Settings;

namespace Platform.Triggers.Engine;

/// <summary>
/// Lambda's error handling for one batch of one shard, free of I/O: invoke; on a function error bisect (when on,
/// without consuming retries) or retry (up to MaximumRetryAttempts, with back-off); honour partial batch responses by
/// accepting the records before the lowest reported one; send records older than MaximumRecordAge, and records whose
/// retries are exhausted, to the failure handler. Returns only when every record of the batch has either reached the
/// function successfully or been handed to the failure handler, so the caller may checkpoint past the batch.
/// </summary>
public sealed class BatchExecutor(StreamTriggerSettings settings, TimeProvider time)
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    /// <param name="batch">The records, in shard order, all from one shard (or one lane of it).</param>
    /// <param name="invoke">Invokes the function; attempt is 1 for a batch's first invocation.</param>
    /// <param name="onFailed">Stores given-up records durably; must not return before they are safe.</param>
    /// <param name="cancellationToken">Stops processing (host shutdown, lost lease); the batch is then not done.</param>
    public async Task<BatchReport> RunAsync(
        IReadOnlyList<StreamRecord> batch,
        Func<IReadOnlyList<StreamRecord>, int, CancellationToken, ValueTask<InvocationResult>> invoke,
        Func<FailedBatch, CancellationToken, Task> onFailed,
        CancellationToken cancellationToken)
    {
        int invocations = 0, errors = 0, succeeded = 0, failed = 0;
        var pending = new Stack<Segment>();
        pending.Push(new Segment(batch, 0, 0));
        while (pending.TryPop(out var segment))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var records = segment.Records;
            var expired = ExpiredPrefix(records);
            if (expired > 0)
            {
                await onFailed(new FailedBatch(Slice(records, 0, expired), FailureCondition.RecordAgeExceeded, segment.Invocations, segment.LastError, segment.LastMessage), cancellationToken);
                failed += expired;
                records = Slice(records, expired, records.Count - expired);
                if (records.Count == 0)
                {
                    continue;
                }
            }

            var attempt = segment.Invocations + 1;
            var result = await invoke(records, attempt, cancellationToken);
            invocations++;
            if (result.Kind == InvocationResultKind.Success)
            {
                succeeded += records.Count;
                continue;
            }

            errors++;
            cancellationToken.ThrowIfCancellationRequested();
            var failing = records;
            var progressed = false;
            var retriesUsed = segment.Retries;
            if (result.Kind == InvocationResultKind.PartialFailure && result.NotAttemptedAfter)
            {
                // One record per invocation: only the failed record is retried; the ones after it were never tried.
                succeeded += result.FailedIndex;
                var rest = result.FailedIndex + 1;
                if (rest < records.Count)
                {
                    pending.Push(new Segment(Slice(records, rest, records.Count - rest), 0, 0));
                }

                failing = Slice(records, result.FailedIndex, 1);
                if (result.FailedIndex > 0)
                {
                    (attempt, retriesUsed) = (1, 0);
                }
            }
            else if (result.Kind == InvocationResultKind.PartialFailure && result.FailedIndex > 0)
            {
                succeeded += result.FailedIndex;
                failing = Slice(records, result.FailedIndex, records.Count - result.FailedIndex);
                progressed = true;
            }

            var next = segment with { Records = failing, Invocations = attempt, LastError = result.FunctionError, LastMessage = result.Message };
            if (settings.BisectBatchOnFunctionError && progressed)
            {
                // Bisect with a partial response splits at the reported record: the rest is retried on its own,
                // which does not use up a retry attempt.
                pending.Push(next);
            }
            else if (settings.BisectBatchOnFunctionError && failing.Count > 1)
            {
                var half = failing.Count / 2;
                pending.Push(next with { Records = Slice(failing, half, failing.Count - half) });
                pending.Push(next with { Records = Slice(failing, 0, half) });
            }
            else if (settings.MaximumRetryAttempts == -1 || retriesUsed < settings.MaximumRetryAttempts)
            {
                await DelayAsync(retriesUsed, cancellationToken);
                pending.Push(next with { Retries = retriesUsed + 1 });
            }
            else
            {
                await onFailed(new FailedBatch(failing, FailureCondition.RetryAttemptsExhausted, attempt, result.FunctionError, result.Message), cancellationToken);
                failed += failing.Count;
            }
        }

        return new BatchReport(invocations, errors, succeeded, failed);
    }

    private int ExpiredPrefix(IReadOnlyList<StreamRecord> records)
    {
        if (settings.MaximumRecordAge is not { } maxAge)
        {
            return 0;
        }

        var oldest = time.GetUtcNow() - maxAge;
        var count = 0;
        while (count < records.Count && records[count].ApproximateArrivalTimestamp < oldest)
        {
            count++;
        }

        return count;
    }

    private async Task DelayAsync(int retries, CancellationToken cancellationToken)
    {
        if (settings.RetryDelay <= TimeSpan.Zero)
        {
            return;
        }

        var delay = settings.RetryDelay * Math.Pow(2, Math.Min(retries, 16));
        await Task.Delay(delay < MaxRetryDelay ? delay : MaxRetryDelay, time, cancellationToken);
    }

    private static IReadOnlyList<StreamRecord> Slice(IReadOnlyList<StreamRecord> records, int start, int count) =>
        start == 0 && count == records.Count ? records
        : records is RecordRun run ? run.Slice(start, count)
        : records is StreamRecord[] array ? new ArraySegment<StreamRecord>(array, start, count)
        : records is ArraySegment<StreamRecord> segment ? segment.Slice(start, count)
        : records.Skip(start).Take(count).ToArray();

    /// <param name="Records">The records still to deliver.</param>
    /// <param name="Retries">Retry attempts used on them.</param>
    /// <param name="Invocations">Invocations that included them.</param>
    /// <param name="LastError">The last function error's type.</param>
    /// <param name="LastMessage">The last function error's message.</param>
    private sealed record Segment(IReadOnlyList<StreamRecord> Records, int Retries, int Invocations, string? LastError = null, string? LastMessage = null);
}
