using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Platform.Runtime.Functions;
using Platform.Streams.Service;
using Platform.Triggers.Leases;

namespace Platform.Triggers.Tests;

/// <summary>Batching, starting positions, parallelization, resharding, shutdown and timeouts with the real host.</summary>
public sealed class StreamTriggerBehaviourTests
{
    private static List<PutRecordInput> Inputs(int count, string prefix = "r", Func<int, string>? key = null, int padding = 0) =>
        [.. Enumerable.Range(0, count).Select(i => new PutRecordInput(key?.Invoke(i) ?? "k", null, Encoding.UTF8.GetBytes(prefix + i.ToString(CultureInfo.InvariantCulture) + new string('.', padding))))];

    private static Task<TriggerTestHost> StartAsync(Type functions, Probe probe, Func<StreamService, Task> before, IDictionary<string, string?>? settings = null, string? dataPath = null) =>
        TriggerTestHost.StartAsync([functions], settings, s => s.AddSingleton(probe), dataPath, beforeTriggers: before);

    public sealed class WindowFunctions(Probe probe)
    {
        [Function("Windowed")]
        public void Run([StreamTrigger("window", BatchSize = 1000, MaximumBatchingWindowInSeconds = 2)] StreamRecord[] records) => probe.Record(records, 1);
    }

    [Fact]
    public async Task ABatchingWindow_GathersRecordsArrivingWithinIt_IntoOneInvocation()
    {
        var probe = new Probe();
        await using var host = await StartAsync(typeof(WindowFunctions), probe, s => s.CreateStreamAsync("window", 1, null, CancellationToken.None));
        await TriggerTestHost.EventuallyAsync(() => host.Triggers.Coordinators[0].OwnedShards.Count == 1, "the shard is claimed");

        for (var i = 0; i < 3; i++)
        {
            await host.Streams.PutRecordsAsync("window", Inputs(10, $"w{i}-"), CancellationToken.None);
            await Task.Delay(200);
        }

        await TriggerTestHost.EventuallyAsync(() => probe.Invocations.Sum(x => x.Data.Length) >= 30, "all 30 records are delivered");
        Assert.Single(probe.Invocations);
    }

    public sealed class LargeFunctions(Probe probe)
    {
        [Function("Large")]
        public void Run([StreamTrigger("large", BatchSize = 100)] StreamRecord[] records) => probe.Record(records, 1);
    }

    [Fact]
    public async Task ABatchStopsAtSixMegabytesOfData_EvenBelowBatchSize()
    {
        var probe = new Probe();
        await using var host = await StartAsync(typeof(LargeFunctions), probe, async s =>
        {
            await s.CreateStreamAsync("large", 1, null, CancellationToken.None);
            foreach (var chunk in Inputs(12, "big", padding: 900 * 1024).Chunk(4))
            {
                await s.PutRecordsAsync("large", chunk, CancellationToken.None);
            }
        });

        await TriggerTestHost.EventuallyAsync(() => probe.Invocations.Sum(x => x.Data.Length) >= 12, "all 12 records are delivered");
        var sizes = probe.Invocations.Select(i => i.Data.Sum(d => (long)d.Length)).ToList();
        Assert.All(sizes, size => Assert.True(size <= 6L * 1024 * 1024, $"a batch held {size} bytes"));
        Assert.Equal(6, probe.Invocations.First().Data.Length);
    }

    public sealed class PositionFunctions(Probe probe)
    {
        [Function("FromTrimHorizon")]
        public void Horizon([StreamTrigger("positions")] StreamRecord[] records)
        {
            foreach (var r in records)
            {
                probe.Accepted.Add("horizon:" + r.DataAsString());
            }
        }

        [Function("FromLatest")]
        public void Latest([StreamTrigger("positions", StartingPosition = "LATEST")] StreamRecord[] records)
        {
            foreach (var r in records)
            {
                probe.Accepted.Add("latest:" + r.DataAsString());
            }
        }

        [Function("FromTimestamp")]
        public void Timestamp([StreamTrigger("positions", StartingPosition = "AT_TIMESTAMP")] StreamRecord[] records)
        {
            foreach (var r in records)
            {
                probe.Accepted.Add("timestamp:" + r.DataAsString());
            }
        }
    }

    [Fact]
    public async Task StartingPositions_TrimHorizonReadsEverything_LatestOnlyNewRecords_AtTimestampFromTheTime()
    {
        var folder = Directory.CreateTempSubdirectory("positions-").FullName;
        try
        {
            DateTimeOffset middle = default;
            await using (var seed = await TriggerTestHost.StartAsync([], dataPath: folder))
            {
                await seed.Streams.CreateStreamAsync("positions", 1, null, CancellationToken.None);
                await seed.Streams.PutRecordsAsync("positions", Inputs(3, "early"), CancellationToken.None);
                await Task.Delay(100);
                middle = DateTimeOffset.UtcNow;
                await Task.Delay(100);
                await seed.Streams.PutRecordsAsync("positions", Inputs(3, "middle"), CancellationToken.None);
            }

            var probe = new Probe();
            var settings = new Dictionary<string, string?> { ["Host:extensions:streams:startingPositionTimestamp"] = middle.ToString("O", CultureInfo.InvariantCulture) };
            await using var host = await StartAsync(typeof(PositionFunctions), probe, _ => Task.CompletedTask, settings, folder);
            await TriggerTestHost.EventuallyAsync(() => probe.Accepted.Count >= 9, "trim-horizon and at-timestamp functions read the stored records");
            await Task.Delay(300);
            await host.Streams.PutRecordsAsync("positions", Inputs(2, "late"), CancellationToken.None);
            await TriggerTestHost.EventuallyAsync(() => probe.Accepted.Count >= 15, "every function reads the late records");

            string[] Seen(string function) => [.. probe.Accepted.Where(a => a.StartsWith(function + ":", StringComparison.Ordinal)).Select(a => a[(function.Length + 1)..]).Order(StringComparer.Ordinal)];
            Assert.Equal(["early0", "early1", "early2", "late0", "late1", "middle0", "middle1", "middle2"], Seen("horizon"));
            Assert.Equal(["late0", "late1", "middle0", "middle1", "middle2"], Seen("timestamp"));
            Assert.Equal(["late0", "late1"], Seen("latest"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public sealed class ParallelFunctions(Probe probe)
    {
        [Function("Parallel")]
        public async Task RunAsync([StreamTrigger("parallel", BatchSize = 10, ParallelizationFactor = 10)] StreamRecord[] records, CancellationToken cancellationToken)
        {
            using (probe.Enter())
            {
                probe.Record(records, 1);
                await Task.Delay(30, cancellationToken);
            }
        }
    }

    [Fact]
    public async Task ParallelizationFactor10_RunsBatchesOfOneShardConcurrently_AndKeepsEachPartitionKeysOrder()
    {
        var probe = new Probe();
        await using var host = await StartAsync(typeof(ParallelFunctions), probe, async s =>
        {
            await s.CreateStreamAsync("parallel", 1, null, CancellationToken.None);
            // Keys not aligned with record positions, so only lanes chosen by key keep each key's order.
            await s.PutRecordsAsync("parallel", Inputs(400, "p", i => "key" + (i * 7 % 13).ToString(CultureInfo.InvariantCulture)), CancellationToken.None);
        });

        await TriggerTestHost.EventuallyAsync(() => probe.Invocations.Sum(x => x.Data.Length) >= 400, "all 400 records are delivered");

        Assert.True(probe.MaxConcurrent > 1, $"at most {probe.MaxConcurrent} batch ran at a time");
        var order = probe.Invocations.OrderBy(i => i.At).SelectMany(i => i.Data).ToList();
        foreach (var key in Enumerable.Range(0, 13))
        {
            var ofKey = order.Select(d => int.Parse(d[1..], CultureInfo.InvariantCulture)).Where(i => i * 7 % 13 == key).ToList();
            Assert.Equal(ofKey.Order(), ofKey);
            Assert.Equal(Enumerable.Range(0, 400).Count(i => i * 7 % 13 == key), ofKey.Count);
        }
    }

    private const string LineageParent = "shardId-000000000000";

    public sealed class ReshardFunctions(Probe probe, StreamService streams, ILeaseStore leases)
    {
        [Function("Lineage")]
        public async Task RunAsync([StreamTrigger("lineage", BatchSize = 5)] StreamRecord[] records, CancellationToken cancellationToken)
        {
            probe.Record(records, 1);
            if (records[0].ShardId == LineageParent)
            {
                // The parent is held until the test has seen that the children wait for it.
                await probe.Gate.Task.WaitAsync(cancellationToken);
                probe.MarkReturned(LineageParent, records.Length);
            }
            else
            {
                // The parent's count is taken first, as the child's invocation begins; a lease once finished stays so.
                var returned = probe.Returned.GetValueOrDefault(LineageParent);
                var incarnation = (await streams.DescribeAsync("lineage", cancellationToken)).Incarnation;
                var lease = await leases.ReadAsync("Lineage", "lineage", incarnation, LineageParent, cancellationToken);
                probe.NoteStart(records[0].ShardId, LineageParent, returned, lease?.State.Finished == true);
            }
        }
    }

    [Fact]
    public async Task AfterASplitShard_ChildShardsAreProcessedOnlyOnceTheirParentIsFinished()
    {
        var probe = new Probe();
        await using var host = await StartAsync(typeof(ReshardFunctions), probe, async s =>
        {
            await s.CreateStreamAsync("lineage", 1, null, CancellationToken.None);
            await s.PutRecordsAsync("lineage", Inputs(60, "parent", i => "k" + i.ToString(CultureInfo.InvariantCulture)), CancellationToken.None);
        });

        await TriggerTestHost.EventuallyAsync(() => !probe.Invocations.IsEmpty, "the parent is being processed");
        await host.Streams.SplitShardAsync("lineage", "shardId-000000000000", (UInt128.MaxValue / 2).ToString(CultureInfo.InvariantCulture), CancellationToken.None);
        await TriggerTestHost.EventuallyAsync(async () => (await host.Streams.DescribeAsync("lineage", CancellationToken.None)).Status == "ACTIVE", "the split completes");
        await host.Streams.PutRecordsAsync("lineage", Inputs(40, "child", i => "k" + i.ToString(CultureInfo.InvariantCulture)), CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(2.5)); // several lease rounds with the children ready and the parent unfinished
        Assert.All(probe.Invocations, i => Assert.Equal("shardId-000000000000", i.ShardId));
        probe.Gate.SetResult();

        await TriggerTestHost.EventuallyAsync(() => probe.Invocations.Sum(x => x.Data.Length) >= 100, "all 100 records are delivered", TimeSpan.FromSeconds(30));
        var parent = probe.Invocations.Where(i => i.ShardId == "shardId-000000000000").ToList();
        var children = probe.Invocations.Where(i => i.ShardId != "shardId-000000000000").ToList();
        Assert.Equal(60, parent.Sum(i => i.Data.Length));
        Assert.Equal(40, children.Sum(i => i.Data.Length));

        // Every child invocation started after all 60 parent records had been handed to the function and it had
        // returned (counted, not clocked: invocation stamps taken on different threads are not an order).
        Assert.NotEmpty(probe.SeenAtStart);
        Assert.All(probe.SeenAtStart, seen => Assert.True(seen.ReturnedThen == 60, $"{seen.ShardId} was invoked when only {seen.ReturnedThen} of the parent's 60 records were processed"));
        Assert.All(probe.SeenAtStart, seen => Assert.True(seen.WatchedFinished, $"{seen.ShardId} was invoked before the parent's lease was stored as finished"));

        // The parent's end as stored: finished, checkpointed after its last record.
        var incarnation = (await host.Streams.DescribeAsync("lineage", CancellationToken.None)).Incarnation;
        var lease = await host.Services.GetRequiredService<ILeaseStore>().ReadAsync("Lineage", "lineage", incarnation, LineageParent, CancellationToken.None);
        Assert.NotNull(lease);
        Assert.True(lease.State.Finished);
        Assert.Equal(parent.Last().SequenceNumbers[^1], lease.State.Checkpoint?.SequenceNumber);
        Assert.False(lease.State.Checkpoint?.Inclusive);
    }

    public sealed class CountingFunctions(Probe probe)
    {
        [Function("Counting")]
        public void Run([StreamTrigger("counting")] StreamRecord[] records) => probe.Record(records, 1);

        [Function("CountingToo")]
        public void RunToo([StreamTrigger("counting")] StreamRecord[] records)
        {
            foreach (var r in records)
            {
                probe.Accepted.Add(r.DataAsString());
            }
        }
    }

    [Fact]
    public async Task AGracefulStop_CheckpointsAndReleases_SoARestartedHostResumesAfterTheLastRecord_AndEachFunctionKeepsItsOwnPosition()
    {
        var folder = Directory.CreateTempSubdirectory("graceful-").FullName;
        try
        {
            var first = new Probe();
            string incarnation;
            await using (var host = await StartAsync(typeof(CountingFunctions), first, s => s.CreateStreamAsync("counting", 1, null, CancellationToken.None), dataPath: folder))
            {
                await host.Streams.PutRecordsAsync("counting", Inputs(20), CancellationToken.None);
                await TriggerTestHost.EventuallyAsync(() => first.Invocations.Sum(i => i.Data.Length) >= 20 && first.Accepted.Count >= 20, "both functions see 20 records");
                await host.StopAsync();
                incarnation = (await host.Streams.DescribeAsync("counting", CancellationToken.None)).Incarnation;
                var leases = host.Services.GetRequiredService<ILeaseStore>();
                foreach (var function in new[] { "Counting", "CountingToo" })
                {
                    var lease = await leases.ReadAsync(function, "counting", incarnation, "shardId-000000000000", CancellationToken.None);
                    Assert.NotNull(lease);
                    Assert.Null(lease.State.Owner);
                    Assert.Equal(first.Invocations.Last().SequenceNumbers[^1], lease.State.Checkpoint?.SequenceNumber);
                    Assert.False(lease.State.Checkpoint?.Inclusive);
                }
            }

            var second = new Probe();
            await using (var host = await StartAsync(typeof(CountingFunctions), second, _ => Task.CompletedTask, dataPath: folder))
            {
                await host.Streams.PutRecordsAsync("counting", Inputs(5, "after"), CancellationToken.None);
                await TriggerTestHost.EventuallyAsync(() => second.Invocations.Sum(i => i.Data.Length) >= 5 && second.Accepted.Count >= 5, "both functions see the 5 new records");
                await Task.Delay(300);
                Assert.Equal(["after0", "after1", "after2", "after3", "after4"], second.Invocations.SelectMany(i => i.Data));
                Assert.Equal(5, second.Accepted.Count);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public sealed class SlowFunctions(Probe probe)
    {
        [Function("Slow")]
        public async Task RunAsync([StreamTrigger("slow", MaximumRetryAttempts = 1)] StreamRecord[] records, FunctionContext context, CancellationToken cancellationToken)
        {
            probe.Record(records, context.Attempt);
            if (context.Attempt == 1)
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    probe.Fail = true; // the timeout cancelled the token
                    throw;
                }
            }
        }
    }

    [Fact]
    public async Task TheFunctionTimeout_CancelsTheTokenAndCountsAsAFunctionError_SoTheBatchIsRetried()
    {
        var probe = new Probe();
        var settings = new Dictionary<string, string?> { ["Host:functionTimeout"] = "00:00:01" };
        await using var host = await StartAsync(typeof(SlowFunctions), probe, async s =>
        {
            await s.CreateStreamAsync("slow", 1, null, CancellationToken.None);
            await s.PutRecordsAsync("slow", Inputs(3), CancellationToken.None);
        }, settings);

        await TriggerTestHost.EventuallyAsync(() => probe.Invocations.Count >= 2, "the timed-out batch is retried");
        var invocations = probe.Invocations.ToArray();
        Assert.Equal([1, 2], invocations.Take(2).Select(i => i.Attempt));
        Assert.True(probe.Fail, "the function's cancellation token did not fire at the timeout");
        Assert.True(invocations[1].At - invocations[0].At >= TimeSpan.FromSeconds(0.9));
        Assert.Equal(invocations[0].SequenceNumbers, invocations[1].SequenceNumbers);
    }

    public static class InvalidFunctions
    {
        [Function("Invalid")]
        public static void Run([StreamTrigger("anything", BatchSize = 0, ParallelizationFactor = 20)] StreamRecord[] records)
        {
        }
    }

    [Fact]
    public async Task InvalidSettings_FailStartUp_WithAMessageNamingTheFunctionTheSettingsAndTheirRanges()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TriggerTestHost.StartAsync([typeof(InvalidFunctions)]));

        Assert.Contains("Function Invalid: BatchSize must be 1 to 10000 (was 0); ParallelizationFactor must be 1 to 10 (was 20)", error.Message, StringComparison.Ordinal);
    }
}
