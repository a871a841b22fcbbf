using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using Platform.Streams.Client.Consumer;
using Platform.Streams.Client.Model;
using Xunit.Abstractions;

namespace Platform.Functions.Tests.Streams;

/// <summary>
/// Two host processes on one Azurite account serve one stream: producers on both put at once, readers on both
/// read every shard (parents before children), and each reader must see every acknowledged record exactly once,
/// where it was acknowledged, in sequence order per shard and in put order per partition key; also while a
/// shard is split or two are merged under the producers.
/// </summary>
public sealed class StreamsMultiHostTests(TwoHostsOnAzurite hosts, ITestOutputHelper output) : IClassFixture<TwoHostsOnAzurite>
{
    private const int ProducersPerHost = 2;
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ProduceAfterReshard = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan ReshardTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ProducersOnBothHosts_AreReadFromEitherHost_EveryAcknowledgedRecordOnce_InOrder()
    {
        var stream = await KinesisTestStreams.CreateStreamAsync(hosts.ClientA, shards: 2);

        var ledger = await ProduceAsync(stream, reshard: null);

        await AssertEitherHostReadsEverythingAsync(stream, ledger);
        Assert.Equal(["A", "B"], ledger.Acknowledged.Values.Select(a => a.Host).Distinct().Order());
        Assert.Equal(2, ledger.Acknowledged.Values.Select(a => a.ShardId).Distinct().Count());
    }

    [Fact]
    public async Task SplitShard_IssuedToHostB_WhileBothHostsProduce_LosesDuplicatesAndReordersNothing()
    {
        var stream = await KinesisTestStreams.CreateStreamAsync(hosts.ClientA, shards: 2);
        var parent = (await hosts.ClientA.ListShardsAsync(new ListShardsRequest { StreamName = stream })).Shards[0];

        var ledger = await ProduceAsync(stream, reshard: async () =>
        {
            await hosts.ClientB.SplitShardAsync(new SplitShardRequest { StreamName = stream, ShardToSplit = parent.ShardId, NewStartingHashKey = Middle(parent.HashKeyRange) });
            await KinesisTestStreams.WaitForActiveAsync(hosts.ClientB, stream, openShards: 3, ReshardTimeout);
        });

        await AssertEitherHostReadsEverythingAsync(stream, ledger);
        var children = (await hosts.ClientA.ListShardsAsync(new ListShardsRequest { StreamName = stream })).Shards.Where(s => s.ParentShardId == parent.ShardId).ToList();
        Assert.Equal(2, children.Count);
        AssertTookRecordsFromBothHosts(ledger, parent.ShardId);
        AssertTookRecordsFromBothHosts(ledger, [.. children.Select(c => c.ShardId)]);
    }

    [Fact]
    public async Task MergeShards_IssuedToHostA_WhileBothHostsProduce_LosesDuplicatesAndReordersNothing()
    {
        var stream = await KinesisTestStreams.CreateStreamAsync(hosts.ClientA, shards: 2);
        var parents = (await hosts.ClientA.ListShardsAsync(new ListShardsRequest { StreamName = stream })).Shards;

        var ledger = await ProduceAsync(stream, reshard: async () =>
        {
            await hosts.ClientA.MergeShardsAsync(new MergeShardsRequest { StreamName = stream, ShardToMerge = parents[0].ShardId, AdjacentShardToMerge = parents[1].ShardId });
            await KinesisTestStreams.WaitForActiveAsync(hosts.ClientA, stream, openShards: 1, ReshardTimeout);
        });

        await AssertEitherHostReadsEverythingAsync(stream, ledger);
        var child = (await hosts.ClientB.ListShardsAsync(new ListShardsRequest { StreamName = stream })).Shards.Single(s => s.AdjacentParentShardId is not null);
        AssertTookRecordsFromBothHosts(ledger, parents[0].ShardId, parents[1].ShardId);
        AssertTookRecordsFromBothHosts(ledger, child.ShardId);
    }

    /// <summary>
    /// Producers on both hosts put for <see cref="Warmup"/>, then <paramref name="reshard"/> runs under them, then they
    /// go on for <see cref="ProduceAfterReshard"/> (long past the hosts' 1 s metadata cache) and stop. Every request
    /// must have been answered and every record stored.
    /// </summary>
    private async Task<RecordLedger> ProduceAsync(string stream, Func<Task>? reshard)
    {
        var ledger = new RecordLedger();
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var producers = Enumerable.Range(0, 2 * ProducersPerHost)
            .Select(p => p < ProducersPerHost
                ? LedgerProducer.RunAsync(hosts.ClientA, "A", stream, p, ledger, stop.Token)
                : LedgerProducer.RunAsync(hosts.ClientB, "B", stream, p, ledger, stop.Token))
            .ToList();
        await Task.Delay(Warmup);
        if (reshard is not null)
        {
            var before = ledger.Acknowledged.Count;
            var started = clock.Elapsed;
            await reshard();
            output.WriteLine($"reshard took {(clock.Elapsed - started).TotalMilliseconds:F0} ms; {ledger.Acknowledged.Count - before} records acknowledged meanwhile");
        }

        await Task.Delay(reshard is null ? 2 * ProduceAfterReshard : ProduceAfterReshard);
        await stop.CancelAsync();
        await Task.WhenAll(producers).WaitAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"{ledger.Acknowledged.Count} records acknowledged in {clock.Elapsed.TotalSeconds:F1} s");

        Assert.True(ledger.FailedRequests.Count == 0, "PutRecords requests failed: " + string.Join("; ", ledger.FailedRequests.Take(5).Select(e => e.Message)) + HostTails());
        Assert.True(ledger.Rejected.Count == 0, $"{ledger.Rejected.Count} records were refused: " + string.Join("; ", ledger.Rejected.Take(5)) + HostTails());
        return ledger;
    }

    /// <summary>A reader on each host, at the same time, reads the whole stream; each must find everything.</summary>
    private async Task AssertEitherHostReadsEverythingAsync(string stream, RecordLedger ledger)
    {
        var clock = Stopwatch.StartNew();
        var reads = await Task.WhenAll(
            StreamAudit.ReadAllAsync(hosts.ClientA, stream, ledger, ReadTimeout),
            StreamAudit.ReadAllAsync(hosts.ClientB, stream, ledger, ReadTimeout));
        output.WriteLine($"both readers done in {clock.Elapsed.TotalSeconds:F1} s: {reads[0].Count} and {reads[1].Count} records from {string.Join(", ", Shards(reads[0]))}");

        StreamAudit.AssertNoProblems("The reader on host A", ledger, reads[0], HostTails());
        StreamAudit.AssertNoProblems("The reader on host B", ledger, reads[1], HostTails());
    }

    private static IEnumerable<string> Shards(IEnumerable<ConsumedRecord> read) =>
        read.GroupBy(r => r.ShardId).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} ({g.Count()})");

    /// <summary>The shards together took acknowledged records from producers on host A and on host B.</summary>
    private static void AssertTookRecordsFromBothHosts(RecordLedger ledger, params string[] shardIds)
    {
        var hostsSeen = ledger.Acknowledged.Values.Where(a => shardIds.Contains(a.ShardId)).Select(a => a.Host).Distinct().Order();
        Assert.Equal(["A", "B"], hostsSeen);
        foreach (var shardId in shardIds)
        {
            Assert.Contains(ledger.Acknowledged.Values, a => a.ShardId == shardId);
        }
    }

    private static string Middle(HashKeyRange range)
    {
        var start = BigInteger.Parse(range.StartingHashKey, CultureInfo.InvariantCulture);
        var end = BigInteger.Parse(range.EndingHashKey, CultureInfo.InvariantCulture);
        return ((start + end + 1) / 2).ToString(CultureInfo.InvariantCulture);
    }

    private string HostTails() => $"\n--- host A (last lines) ---\n{Tail(hosts.A.Output)}\n--- host B (last lines) ---\n{Tail(hosts.B.Output)}";

    private static string Tail(string text)
    {
        var lines = text.Split('\n');
        return string.Join('\n', lines.Skip(Math.Max(0, lines.Length - 40)));
    }
}
