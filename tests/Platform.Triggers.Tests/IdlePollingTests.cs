using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Platform.Runtime.Functions;
using Platform.Storage;
using Platform.Storage.Embedded;
using Platform.Streams.Service;
using Platform.Testing;

namespace Platform.Triggers.Tests;

/// <summary>What caught-up shards cost in storage calls, and that records from another host are still found.</summary>
public sealed class IdlePollingTests
{
    public sealed class IdleFunctions(ConcurrentBag<string> seen)
    {
        [Function("IdleWatcher")]
        public void Run([StreamTrigger("quiet")] IReadOnlyList<StreamRecord> records)
        {
            foreach (var record in records)
            {
                seen.Add(record.DataAsString());
            }
        }
    }

    private static Dictionary<string, string?> Polling(int activeMs, int idleMs) => new()
    {
        ["Host:extensions:streams:pollIntervalMilliseconds"] = activeMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Host:extensions:streams:idlePollIntervalMilliseconds"] = idleMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task IdleShards_CostOneSharedListingPerPollOfTheStream_NotReadsPerShard()
    {
        const int shards = 8;
        var folder = Directory.CreateTempSubdirectory("triggers-idle-").FullName;
        CountingBlobStore? counter = null;
        try
        {
            await using var host = await TriggerTestHost.StartAsync([typeof(IdleFunctions)], Polling(20, 200), services =>
            {
                services.AddSingleton(new ConcurrentBag<string>());
                services.AddSingleton(_ =>
                {
                    var (store, c) = CountingBlobStore.Wrap(EmbeddedBlobStore.Open(new EmbeddedBlobStoreOptions { DataPath = folder }));
                    counter = c;
                    return store;
                });
            }, dataPath: folder, beforeTriggers: streams => streams.CreateStreamAsync("quiet", shards, null, CancellationToken.None));

            await TriggerTestHost.EventuallyAsync(() => host.Triggers.Coordinators.Sum(c => c.OwnedShards.Count) == shards, "every shard is claimed");
            await TriggerTestHost.EventuallyAsync(() => host.Streams.CountTailProbes("quiet") >= 6, "the stream's listing has backed off to its idle interval");
            var before = counter!.Calls.ToDictionary();
            var probesBefore = host.Streams.CountTailProbes("quiet");
            await Task.Delay(TimeSpan.FromSeconds(2));
            var probes = host.Streams.CountTailProbes("quiet") - probesBefore;
            long Delta(string operation) => counter.Calls.Where(c => c.Key.Container == StreamService.Container && c.Key.Operation == operation).Sum(c => c.Value)
                - before.Where(c => c.Key.Container == StreamService.Container && c.Key.Operation == operation).Sum(c => c.Value);

            // Per-shard polling would read each of the 8 shards every 20 ms (~800 reads in 2 s); the shared listing,
            // backed off to 200 ms, lists the stream about 10 times in all and reads no shard.
            Assert.InRange(probes, 1, 14);
            // The probe count and the call counter are read at slightly different instants, so one listing in
            // flight can fall on either side; per-shard listing would be eight per probe.
            Assert.InRange(Delta(nameof(IBlobStore.ListBlobsAsync)), probes - 1, probes + 1);
            Assert.Equal(0, Delta(nameof(IBlobStore.GetPropertiesAsync)));
            // No shard is read: what reads there are refresh the stream document (cached for 1 s, so two or three in
            // 2 s, and a refresh racing the window's edges or another reader at expiry makes one more; CI saw 4).
            Assert.InRange(Delta(nameof(IBlobStore.ReadAsync)) + Delta(nameof(IBlobStore.ReadIntoAsync)), 0, 6);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task ARecordWrittenByAnotherHost_IsSeenAfterTheListingBackedOff()
    {
        var folder = Directory.CreateTempSubdirectory("triggers-idle-").FullName;
        var seen = new ConcurrentBag<string>();
        try
        {
            await using var reader = await TriggerTestHost.StartAsync([typeof(IdleFunctions)], Polling(20, 300), services => services.AddSingleton(seen),
                dataPath: folder, beforeTriggers: streams => streams.CreateStreamAsync("quiet", 2, null, CancellationToken.None));
            await TriggerTestHost.EventuallyAsync(() => reader.Triggers.Coordinators.Sum(c => c.OwnedShards.Count) == 2, "both shards are claimed");
            await TriggerTestHost.EventuallyAsync(() => reader.Streams.CountTailProbes("quiet") >= 6, "the stream's listing has backed off to its idle interval");

            // Another host (its own stream service over the same storage) writes; the reader's writer never commits.
            await using var writer = await TriggerTestHost.StartAsync([], dataPath: folder);
            await writer.PutAsync("quiet", [("a", "from-elsewhere-1"), ("b", "from-elsewhere-2"), ("c", "from-elsewhere-3")]);

            await TriggerTestHost.EventuallyAsync(() => seen.Count == 3, "the other host's records are delivered", TimeSpan.FromSeconds(15));
            Assert.Equal(["from-elsewhere-1", "from-elsewhere-2", "from-elsewhere-3"], seen.Order(StringComparer.Ordinal));
            Assert.Equal(0, await reader.Streams.CountStorageAppendsAsync());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
