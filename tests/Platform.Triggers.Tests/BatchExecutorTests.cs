using Platform.Testing;
using Platform.Triggers.Binding;
using Platform.Triggers.Engine;
using Platform.Triggers.Settings;

namespace Platform.Triggers.Tests;

public sealed class BatchExecutorTests
{
    private static StreamTriggerSettings Settings(bool bisect = false, int retries = -1, TimeSpan? maxAge = null) => new()
    {
        FunctionName = "f",
        Stream = "s",
        BisectBatchOnFunctionError = bisect,
        MaximumRetryAttempts = retries,
        MaximumRecordAge = maxAge,
        RetryDelay = TimeSpan.Zero,
    };

    private sealed class Run
    {
        public List<(string[] Data, int Attempt)> Calls { get; } = [];

        public List<FailedBatch> Failed { get; } = [];

        public HashSet<string> Accepted { get; } = [];

        public ValueTask<InvocationResult> Invoke(IReadOnlyList<StreamRecord> batch, int attempt, Func<IReadOnlyList<StreamRecord>, InvocationResult> behaviour)
        {
            Calls.Add(([.. batch.Select(r => r.DataAsString())], attempt));
            var result = behaviour(batch);
            var accepted = result.Kind switch
            {
                InvocationResultKind.Success => batch.Count,
                InvocationResultKind.PartialFailure => Math.Max(0, result.FailedIndex),
                _ => 0,
            };
            foreach (var record in batch.Take(accepted))
            {
                Accepted.Add(record.DataAsString());
            }

            return ValueTask.FromResult(result);
        }

        public Task OnFailed(FailedBatch batch, CancellationToken cancellationToken)
        {
            Failed.Add(batch);
            return Task.CompletedTask;
        }
    }

    private static InvocationResult FailIfContains(IReadOnlyList<StreamRecord> batch, string poison) =>
        batch.Any(r => r.DataAsString() == poison) ? InvocationResult.Error("Unhandled", "poison") : InvocationResult.Success;

    [Fact]
    public async Task Bisect_IsolatesOnePoisonRecordInABatchOf100_AndSendsOnlyItToTheFailureHandler()
    {
        var records = TestRecords.Make(100);
        var run = new Run();
        var executor = new BatchExecutor(Settings(bisect: true, retries: 0), TimeProvider.System);

        var report = await executor.RunAsync(records, (b, a, _) => run.Invoke(b, a, batch => FailIfContains(batch, "r37")), run.OnFailed, CancellationToken.None);

        var failed = Assert.Single(run.Failed);
        Assert.Equal(["r37"], failed.Records.Select(r => r.DataAsString()));
        Assert.Equal(FailureCondition.RetryAttemptsExhausted, failed.Condition);
        Assert.Equal(99, run.Accepted.Count);
        Assert.DoesNotContain("r37", run.Accepted);
        Assert.Equal(new BatchReport(report.Invocations, report.Errors, 99, 1), report);
        // The failing halves holding r37: 100, 50, 25, 13, 6, 3, then r37 alone (no retries left).
        Assert.Equal(7, report.Errors);
    }

    [Fact]
    public async Task WithoutBisect_AFailingBatchIsRetriedMaximumRetryAttemptsTimes_ThenGivenUpWholeWithTheInvokeCount()
    {
        var records = TestRecords.Make(10);
        var run = new Run();
        var executor = new BatchExecutor(Settings(retries: 2), TimeProvider.System);

        await executor.RunAsync(records, (b, a, _) => run.Invoke(b, a, batch => FailIfContains(batch, "r3")), run.OnFailed, CancellationToken.None);

        Assert.Equal([1, 2, 3], run.Calls.Select(c => c.Attempt));
        Assert.All(run.Calls, c => Assert.Equal(10, c.Data.Length));
        var failed = Assert.Single(run.Failed);
        Assert.Equal(10, failed.Records.Count);
        Assert.Equal(3, failed.ApproximateInvokeCount);
        Assert.Equal("Unhandled", failed.FunctionError);
    }

    [Fact]
    public async Task WithBisect_SplittingDoesNotConsumeRetries_SoTheSingleBadRecordIsStillRetriedMaximumRetryAttemptsTimes()
    {
        var records = TestRecords.Make(8);
        var run = new Run();
        var executor = new BatchExecutor(Settings(bisect: true, retries: 2), TimeProvider.System);

        await executor.RunAsync(records, (b, a, _) => run.Invoke(b, a, batch => FailIfContains(batch, "r5")), run.OnFailed, CancellationToken.None);

        // 8 → [4..7] → [4,5] → [5] fails, then 2 retries of [5] alone.
        var single = run.Calls.Where(c => c.Data is ["r5"]).ToList();
        Assert.Equal(3, single.Count);
        Assert.Equal(["r5"], Assert.Single(run.Failed).Records.Select(r => r.DataAsString()));
        Assert.Equal(7, run.Accepted.Count);
    }

    [Fact]
    public async Task ZeroRetriesWithoutBisect_GivesUpAfterTheFirstFailure()
    {
        var run = new Run();
        var executor = new BatchExecutor(Settings(retries: 0), TimeProvider.System);

        await executor.RunAsync(TestRecords.Make(3), (b, a, _) => run.Invoke(b, a, _ => InvocationResult.Error("Unhandled", "x")), run.OnFailed, CancellationToken.None);

        Assert.Single(run.Calls);
        Assert.Equal(1, Assert.Single(run.Failed).ApproximateInvokeCount);
    }

    [Fact]
    public async Task UnlimitedRetries_KeepRetryingUntilTheFunctionSucceeds()
    {
        var run = new Run();
        var executor = new BatchExecutor(Settings(retries: -1), TimeProvider.System);
        var failures = 25;

        await executor.RunAsync(TestRecords.Make(3), (b, a, _) => run.Invoke(b, a, _ => failures-- > 0 ? InvocationResult.Error("Unhandled", "x") : InvocationResult.Success), run.OnFailed, CancellationToken.None);

        Assert.Equal(26, run.Calls.Count);
        Assert.Empty(run.Failed);
        Assert.Equal(3, run.Accepted.Count);
    }

    [Fact]
    public async Task RecordsOlderThanMaximumRecordAge_SkipTheFunction_AndGoToTheFailureHandlerAsRecordAgeExceeded()
    {
        var time = new ManualTimeProvider();
        var old = TestRecords.Make(3, time.GetUtcNow() - TimeSpan.FromMinutes(5));
        var fresh = TestRecords.Make(5, time.GetUtcNow()).Skip(3).ToArray();
        var run = new Run();
        var executor = new BatchExecutor(Settings(maxAge: TimeSpan.FromSeconds(60)), time);

        await executor.RunAsync([.. old, .. fresh], (b, a, _) => run.Invoke(b, a, _ => InvocationResult.Success), run.OnFailed, CancellationToken.None);

        var failed = Assert.Single(run.Failed);
        Assert.Equal(FailureCondition.RecordAgeExceeded, failed.Condition);
        Assert.Equal(["r0", "r1", "r2"], failed.Records.Select(r => r.DataAsString()));
        Assert.Equal(0, failed.ApproximateInvokeCount);
        Assert.Equal(["r3", "r4"], Assert.Single(run.Calls).Data);
    }

    [Fact]
    public async Task ARetriedBatchThatAgesOutMeanwhile_GoesToTheFailureHandlerAsRecordAgeExceeded()
    {
        var time = new ManualTimeProvider();
        var run = new Run();
        var executor = new BatchExecutor(Settings(retries: -1, maxAge: TimeSpan.FromSeconds(60)), time);

        await executor.RunAsync(TestRecords.Make(4, time.GetUtcNow()), (b, a, _) =>
        {
            time.Advance(TimeSpan.FromSeconds(25));
            return run.Invoke(b, a, _ => InvocationResult.Error("Unhandled", "x"));
        }, run.OnFailed, CancellationToken.None);

        var failed = Assert.Single(run.Failed);
        Assert.Equal(FailureCondition.RecordAgeExceeded, failed.Condition);
        Assert.Equal(3, failed.ApproximateInvokeCount);
        Assert.Equal(4, failed.Records.Count);
    }

    [Fact]
    public async Task PartialFailure_AcceptsTheRecordsBeforeTheReportedOne_AndRetriesFromIt()
    {
        var run = new Run();
        var executor = new BatchExecutor(Settings(retries: -1), TimeProvider.System);
        var first = true;

        await executor.RunAsync(TestRecords.Make(6), (b, a, _) => run.Invoke(b, a, batch =>
        {
            if (first)
            {
                first = false;
                return InvocationResult.Partial(3);
            }

            return InvocationResult.Success;
        }), run.OnFailed, CancellationToken.None);

        Assert.Equal(2, run.Calls.Count);
        Assert.Equal(["r3", "r4", "r5"], run.Calls[1].Data);
        Assert.Equal(2, run.Calls[1].Attempt);
        Assert.Equal(6, run.Accepted.Count);
    }

    [Fact]
    public async Task PartialFailureWithBisect_SplitsAtTheReportedRecord_WithoutUsingARetry()
    {
        var run = new Run();
        var executor = new BatchExecutor(Settings(bisect: true, retries: 0), TimeProvider.System);

        await executor.RunAsync(TestRecords.Make(6), (b, a, _) => run.Invoke(b, a, batch =>
        {
            var bad = batch.Select((r, i) => (r, i)).FirstOrDefault(x => x.r.DataAsString() == "r4");
            return bad.r is null ? InvocationResult.Success : InvocationResult.Partial(bad.i);
        }), run.OnFailed, CancellationToken.None);

        Assert.Equal(["r4", "r5"], run.Calls[1].Data);
        Assert.Equal(["r4"], Assert.Single(run.Failed).Records.Select(r => r.DataAsString()));
        Assert.Equal(5, run.Accepted.Count);
    }
}
