using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Storage;
using Platform.Storage.Azure;
using Platform.Storage.Embedded;
using Platform.Streams.Control;
using Platform.Streams.Log;
using Platform.Streams.Service;
using Platform.Testing;

namespace Platform.Streams.Tests;

/// <summary>The stream service on a real store, as two hosts would run it; each backend runs the same tests.</summary>
public abstract class StreamServiceTests : IAsyncLifetime
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private readonly List<StreamService> _services = [];

    protected abstract IBlobStore Store { get; }

    protected ManualTimeProvider Clock { get; } = new();

    public virtual async Task InitializeAsync() => await StreamService.InitializeAsync(Store, CancellationToken.None);

    public virtual async Task DisposeAsync()
    {
        foreach (var service in _services)
        {
            await service.DisposeAsync();
        }
    }

    /// <summary>A stream service as one host runs it; two of them share nothing but the store.</summary>
    private StreamService Host(StreamsOptions? options = null, ILogger<StreamService>? logger = null)
    {
        var service = new StreamService(Store, options ?? new StreamsOptions { MetadataCacheMs = 200 }, new ShardIteratorCodec(Key), Clock, logger ?? NullLogger<StreamService>.Instance);
        _services.Add(service);
        return service;
    }

    private static string NewName() => "s-" + Guid.NewGuid().ToString("N")[..12];

    private static PutRecordInput Record(string key, string data) => new(key, null, Encoding.UTF8.GetBytes(data));

    /// <summary>Reads every shard from TRIM_HORIZON to its end or its current tip, parents before children.</summary>
    private static async Task<List<(string Shard, string Key, string Data, string Sequence)>> ReadAllAsync(StreamService service, string name)
    {
        var document = await service.DescribeAsync(name, CancellationToken.None);
        var all = new List<(string, string, string, string)>();
        foreach (var shard in document.Shards.OrderBy(s => s.ShardId, StringComparer.Ordinal))
        {
            var iterator = await service.GetShardIteratorAsync(name, shard.ShardId, IteratorType.TrimHorizon, null, null, CancellationToken.None);
            while (iterator is not null)
            {
                var result = await service.GetRecordsAsync(iterator, 1000, CancellationToken.None);
                all.AddRange(result.Records.Select(r => (shard.ShardId, r.Record.PartitionKey, Encoding.UTF8.GetString(r.Record.Data.Span), r.SequenceNumber.ToString())));
                if (result.Records.Count == 0 && result.MillisBehindLatest == 0)
                {
                    break;
                }

                iterator = result.NextShardIterator;
            }
        }

        return all;
    }

    private static async Task WaitActiveAsync(StreamService service, string name)
    {
        await service.WhenIdleAsync();
        var document = await service.DescribeAsync(name, CancellationToken.None);
        Assert.Equal(StreamStatus.Active, document.Status);
    }

    [Fact]
    public async Task PutRecords_KeepRequestOrderPerShard_AndReadBackWithTheirSequenceNumbers()
    {
        var host = Host();
        var name = NewName();
        await host.CreateStreamAsync(name, 2, null, CancellationToken.None);

        var outcomes = await host.PutRecordsAsync(name, [.. Enumerable.Range(0, 50).Select(i => Record($"k{i % 7}", $"r{i}"))], CancellationToken.None);

        Assert.All(outcomes, o => Assert.True(o.Succeeded));
        var read = await ReadAllAsync(host, name);
        Assert.Equal(50, read.Count);
        foreach (var shard in read.GroupBy(r => r.Shard))
        {
            var indices = shard.Select(r => int.Parse(r.Data[1..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(indices.Order(), indices);
        }

        Assert.Equal(outcomes.Select(o => o.SequenceNumber.ToString()).Order(StringComparer.Ordinal), read.Select(r => r.Sequence).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task GetRecords_AnswersWithAtMostTheConfiguredBytes_AndItsNextIteratorContinuesWithNothingLostOrRepeated()
    {
        var host = Host(new StreamsOptions { GetRecordsMaxBytes = 64 * 1024 });
        var name = NewName();
        await host.CreateStreamAsync(name, 1, null, CancellationToken.None);
        var sent = Enumerable.Range(0, 300).Select(i => $"{i:D4}" + new string('x', 996)).ToList();
        sent.Insert(150, new string('L', 200 * 1024)); // larger than one answer: it comes alone
        foreach (var batch in sent.Chunk(100))
        {
            Assert.All(await host.PutRecordsAsync(name, [.. batch.Select(d => Record("k", d))], CancellationToken.None), o => Assert.True(o.Succeeded));
        }

        // As if another host with a clock a minute ahead had stamped the records: "behind" by arrival time is then
        // negative, and a cut-short answer must still say that records wait.
        Clock.Advance(TimeSpan.FromMinutes(-1));
        var iterator = await host.GetShardIteratorAsync(name, "shardId-000000000000", IteratorType.TrimHorizon, null, null, CancellationToken.None);
        var read = new List<string>();
        var answers = new List<int>();
        while (read.Count < sent.Count)
        {
            Assert.True(answers.Count < 100, $"{answers.Count} answers and not all records yet");
            var result = await host.GetRecordsAsync(iterator, 10_000, CancellationToken.None);
            Assert.NotEmpty(result.Records);
            Assert.True(read.Count + result.Records.Count == sent.Count || result.MillisBehindLatest >= 1, "an answer cut short must say records wait behind it");
            var bytes = result.Records.Sum(r => r.Record.Data.Length);
            Assert.True(result.Records.Count == 1 || bytes <= 64 * 1024, $"an answer of {result.Records.Count} records carried {bytes} bytes");
            answers.Add(result.Records.Count);
            read.AddRange(result.Records.Select(r => Encoding.UTF8.GetString(r.Record.Data.Span)));
            iterator = result.NextShardIterator!;
        }

        Assert.Equal(sent, read);
        Assert.Contains(1, answers);
        Assert.True(answers.Count >= 6, $"{answers.Count} answers: [{string.Join(", ", answers)}]");
        Assert.Equal(1024 * 1024, new StreamsOptions().GetRecordsMaxBytes);
        Assert.Contains(new StreamsOptions { GetRecordsMaxBytes = 11L * 1024 * 1024 }.Validate(), e => e.Contains("GetRecordsMaxBytes must be 65536 to 10485760", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TwoHosts_ProducingAtOnce_EachSeeEveryAcknowledgedRecordOnce()
    {
        var (a, b) = (Host(), Host());
        var name = NewName();
        await a.CreateStreamAsync(name, 3, null, CancellationToken.None);

        await Task.WhenAll(
            Task.Run(() => ProduceAsync(a, name, "a", 20)),
            Task.Run(() => ProduceAsync(b, name, "b", 20)));

        foreach (var reader in new[] { a, b })
        {
            var read = await ReadAllAsync(reader, name);
            Assert.Equal(400, read.Count);
            Assert.Equal(400, read.Select(r => r.Data).Distinct().Count());
            AssertOrderPerKey(read);
        }
    }

    [Theory]
    [InlineData("split")]
    [InlineData("merge")]
    [InlineData("scale-up")]
    [InlineData("scale-down")]
    public async Task Resharding_WhileTwoHostsProduce_LosesAndDuplicatesNothing_AndKeepsOrderPerKey(string change)
    {
        var (a, b) = (Host(), Host());
        var name = NewName();
        await a.CreateStreamAsync(name, 4, null, CancellationToken.None);
        var producing = Task.WhenAll(
            Task.Run(() => ProduceAsync(a, name, "a", 40)),
            Task.Run(() => ProduceAsync(b, name, "b", 40)));
        await Task.Delay(50);

        switch (change)
        {
            case "split":
                await b.SplitShardAsync(name, "shardId-000000000001", (UInt128.MaxValue / 8 * 3).ToString(), CancellationToken.None);
                break;
            case "merge":
                await b.MergeShardsAsync(name, "shardId-000000000001", "shardId-000000000002", CancellationToken.None);
                break;
            case "scale-up":
                await b.UpdateShardCountAsync(name, 6, "UNIFORM_SCALING", CancellationToken.None);
                break;
            default:
                await b.UpdateShardCountAsync(name, 2, "UNIFORM_SCALING", CancellationToken.None);
                break;
        }

        var acknowledged = await producing;
        await WaitActiveAsync(b, name);

        var read = await ReadAllAsync(a, name);
        Assert.Equal(acknowledged.SelectMany(x => x).Order(), read.Select(r => r.Data).Order());
        AssertOrderPerKey(read);
        var document = await a.DescribeAsync(name, CancellationToken.None);
        Assert.All(document.Shards.Where(s => s.ParentShardId is not null), s => Assert.True(document.FindShard(s.ParentShardId!)!.IsClosed));
        var expectedOpen = change switch { "split" => 5, "merge" => 3, "scale-up" => 6, _ => 2 };
        Assert.Equal(expectedOpen, document.OpenShards.Count());
    }

    [Fact]
    public async Task UniformScaling_EndsWithEvenRanges_AndAtMostTwoParentsPerShard()
    {
        var host = Host();
        var name = NewName();
        await host.CreateStreamAsync(name, 5, null, CancellationToken.None);

        await host.UpdateShardCountAsync(name, 3, "UNIFORM_SCALING", CancellationToken.None);
        await WaitActiveAsync(host, name);

        var document = await host.DescribeAsync(name, CancellationToken.None);
        Assert.Equal(Routing.HashKeyRange.SplitEvenly(3), document.OpenShards.OrderBy(s => s.Range.Start).Select(s => s.Range));
        Assert.Null(document.ScalingTarget);
    }

    [Fact]
    public async Task ReadingAClosedParentToItsEnd_EndsTheIterator_AndNamesItsChildren()
    {
        var host = Host();
        var name = NewName();
        await host.CreateStreamAsync(name, 1, null, CancellationToken.None);
        await host.PutRecordsAsync(name, [Record("k", "before")], CancellationToken.None);
        await host.SplitShardAsync(name, "shardId-000000000000", (UInt128.MaxValue / 2).ToString(), CancellationToken.None);
        await WaitActiveAsync(host, name);

        var iterator = await host.GetShardIteratorAsync(name, "shardId-000000000000", IteratorType.TrimHorizon, null, null, CancellationToken.None);
        GetRecordsResult result;
        var records = 0;
        do
        {
            result = await host.GetRecordsAsync(iterator, 100, CancellationToken.None);
            records += result.Records.Count;
            iterator = result.NextShardIterator!;
        }
        while (result.NextShardIterator is not null);

        Assert.Equal(1, records);
        Assert.Equal(["shardId-000000000001", "shardId-000000000002"], result.ChildShards!.Select(c => c.ShardId));
        Assert.All(result.ChildShards!, c => Assert.Equal(["shardId-000000000000"], c.ParentShards));
    }

    [Fact]
    public async Task SequenceNumbersNoRecordHas_StartAtTheNextRecord_ForAtAndAfter_WithoutReportingDamage()
    {
        var log = new WarningLog();
        var host = Host(new StreamsOptions { SegmentMaxBytes = 4096 }, log);
        var name = NewName();
        await host.CreateStreamAsync(name, 1, null, CancellationToken.None);
        const string shard = "shardId-000000000000";
        var start = ShardEntry.StartingSequenceNumber;
        var beforeAnyRecord = await host.GetShardIteratorAsync(name, shard, IteratorType.AfterSequenceNumber, start, null, CancellationToken.None);
        var puts = new List<PutRecordOutcome>();
        for (var i = 0; i < 12; i++)
        {
            puts.AddRange(await host.PutRecordsAsync(name, [Record("k", $"r{i:D2}" + new string('x', 1000))], CancellationToken.None));
        }

        Assert.True(puts[^1].SequenceNumber.Segment > 0, "the records did not roll over into a second segment");
        var texts = puts.Select((_, i) => $"r{i:D2}").ToList();
        async Task<List<string>> ReadFromAsync(string iterator)
        {
            var read = new List<string>();
            for (var calls = 0; calls < 20; calls++)
            {
                var result = await host.GetRecordsAsync(iterator, 10_000, CancellationToken.None);
                read.AddRange(result.Records.Select(r => Encoding.UTF8.GetString(r.Record.Data.Span)[..3]));
                if (result.Records.Count == 0 && result.MillisBehindLatest == 0)
                {
                    break;
                }

                iterator = result.NextShardIterator!;
            }

            return read;
        }

        async Task<List<string>> ReadAsync(string type, string number) =>
            await ReadFromAsync(await host.GetShardIteratorAsync(name, shard, type, number, null, CancellationToken.None));

        // The shard's starting number is below its first record's: AT and AFTER it both read every record.
        Assert.Equal(texts, await ReadFromAsync(beforeAnyRecord));
        Assert.Equal(texts, await ReadAsync(IteratorType.AfterSequenceNumber, start));
        Assert.Equal(texts, await ReadAsync(IteratorType.AtSequenceNumber, start));
        Assert.True(string.CompareOrdinal(start, puts[0].SequenceNumber.ToString()) < 0);

        // A record's own number: AT includes it, AFTER starts at the next one.
        Assert.Equal(texts[5..], await ReadAsync(IteratorType.AtSequenceNumber, puts[5].SequenceNumber.ToString()));
        Assert.Equal(texts[6..], await ReadAsync(IteratorType.AfterSequenceNumber, puts[5].SequenceNumber.ToString()));

        // The number just below a record (inside the frame before it, or past the end of the segment before it when the
        // record opens a segment): both types start at that record.
        var firstOfSegment = puts.FindIndex(p => p.SequenceNumber.Segment > 0 && p.SequenceNumber.Offset == 0);
        Assert.True(firstOfSegment > 0, "no record opened a segment");
        foreach (var index in new[] { 1, 5, firstOfSegment, puts.Count - 1 })
        {
            var below = SequenceNumber.Before(puts[index].SequenceNumber).ToString();
            Assert.True(string.CompareOrdinal(below, puts[index - 1].SequenceNumber.ToString()) > 0 && string.CompareOrdinal(below, puts[index].SequenceNumber.ToString()) < 0);
            Assert.Equal(texts[index..], await ReadAsync(IteratorType.AfterSequenceNumber, below));
            Assert.Equal(texts[index..], await ReadAsync(IteratorType.AtSequenceNumber, below));
        }

        // Just below the tip: nothing yet, then the next record.
        var tip = await host.GetRecordsAsync(await host.GetShardIteratorAsync(name, shard, IteratorType.Latest, null, null, CancellationToken.None), 10, CancellationToken.None);
        var atTip = await host.GetShardIteratorAsync(name, shard, IteratorType.AfterSequenceNumber, SequenceNumber.Before(tip.Next).ToString(), null, CancellationToken.None);
        Assert.Empty((await host.GetRecordsAsync(atTip, 10, CancellationToken.None)).Records);
        await host.PutRecordsAsync(name, [Record("k", "r12")], CancellationToken.None);
        Assert.Equal(["r12"], await ReadFromAsync(atTip));

        Assert.Empty(log.Warnings);
    }

    [Fact]
    public async Task Iterators_ExpireAfterTheirLife_AndForgedOnesAreRefused()
    {
        var host = Host(new StreamsOptions { IteratorTtlSeconds = 300 });
        var name = NewName();
        await host.CreateStreamAsync(name, 1, null, CancellationToken.None);
        var iterator = await host.GetShardIteratorAsync(name, "shardId-000000000000", IteratorType.Latest, null, null, CancellationToken.None);
        var next = (await host.GetRecordsAsync(iterator, 10, CancellationToken.None)).NextShardIterator;

        Clock.Advance(TimeSpan.FromSeconds(301));

        var expired = await Assert.ThrowsAsync<KinesisException>(() => host.GetRecordsAsync(next, 10, CancellationToken.None));
        Assert.Equal(KinesisErrors.ExpiredIterator, expired.ErrorType);
        var forged = Convert.FromBase64String(iterator);
        forged[10] ^= 1;
        var refused = await Assert.ThrowsAsync<KinesisException>(() => host.GetRecordsAsync(Convert.ToBase64String(forged), 10, CancellationToken.None));
        Assert.Equal(KinesisErrors.InvalidArgumentType, refused.ErrorType);
    }

    [Fact]
    public async Task AtTimestamp_PassesOverManyAnswersWorthOfOlderRecords_InOneGetRecords()
    {
        var host = Host(new StreamsOptions { GetRecordsMaxBytes = 64 * 1024 });
        var name = NewName();
        await host.CreateStreamAsync(name, 1, null, CancellationToken.None);
        for (var batch = 0; batch < 4; batch++)
        {
            await host.PutRecordsAsync(name, [.. Enumerable.Range(0, 100).Select(i => Record("k", $"old-{batch}-{i}-" + new string('o', 1000)))], CancellationToken.None);
        }

        Clock.Advance(TimeSpan.FromMinutes(1));
        var cut = Clock.GetUtcNow();
        await host.PutRecordsAsync(name, [.. Enumerable.Range(0, 5).Select(i => Record("k", $"new-{i}"))], CancellationToken.None);

        var iterator = await host.GetShardIteratorAsync(name, "shardId-000000000000", IteratorType.AtTimestamp, null, cut, CancellationToken.None);
        var result = await host.GetRecordsAsync(iterator, 10_000, CancellationToken.None);

        // ~400 KB of older records is six answers' worth at 64 KiB: they are passed over, not answered empty six times.
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"new-{i}"), result.Records.Select(r => Encoding.UTF8.GetString(r.Record.Data.Span)));
    }

    [Fact]
    public async Task AtTimestamp_StartsAtTheFirstRecordThatArrivedAtOrAfterIt()
    {
        var host = Host(new StreamsOptions { SegmentMaxBytes = 4096 });
        var name = NewName();
        await host.CreateStreamAsync(name, 1, null, CancellationToken.None);
        await PutInSmallBatchesAsync(host, name, "old", 40, 200);
        Clock.Advance(TimeSpan.FromMinutes(1));
        var cut = Clock.GetUtcNow();
        await PutInSmallBatchesAsync(host, name, "new", 40, 200);

        var iterator = await host.GetShardIteratorAsync(name, "shardId-000000000000", IteratorType.AtTimestamp, null, cut, CancellationToken.None);
        var seen = new List<string>();
        for (var reads = 0; seen.Count < 40 && reads < 100; reads++)
        {
            var result = await host.GetRecordsAsync(iterator, 7, CancellationToken.None);
            seen.AddRange(result.Records.Select(r => Encoding.UTF8.GetString(r.Record.Data.Span).Split('-')[0] + "-" + Encoding.UTF8.GetString(r.Record.Data.Span).Split('-')[1]));
            iterator = result.NextShardIterator!;
        }

        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"new-{i}"), seen);
    }

    [Fact]
    public async Task Retention_DeletesExpiredSegmentsFromStorage_AndReadsStartAtWhatIsLeft()
    {
        var host = Host(new StreamsOptions { SegmentMaxBytes = 4096 });
        var name = NewName();
        await host.CreateStreamAsync(name, 1, null, CancellationToken.None);
        await PutInSmallBatchesAsync(host, name, "old", 60, 300);
        var before = await CountBlobsAsync(name);
        Assert.True(before > 3, $"expected several segments, found {before}");

        await host.RunMaintenanceAsync(CancellationToken.None);
        Assert.Equal(before, await CountBlobsAsync(name));

        Clock.Advance(TimeSpan.FromHours(25));
        await host.RunMaintenanceAsync(CancellationToken.None);
        await host.PutRecordsAsync(name, [Record("k", "fresh")], CancellationToken.None);

        Assert.Equal(1, await CountBlobsAsync(name));
        var read = await ReadAllAsync(host, name);
        Assert.Equal(["fresh"], read.Select(r => r.Data));
    }

    [Fact]
    public async Task WriteQuotas_WhenOn_RefuseRecordsOverOneThousandPerSecondPerShard()
    {
        var host = Host(new StreamsOptions { EnforceShardWriteLimits = true });
        var name = NewName();
        await host.CreateStreamAsync(name, 1, null, CancellationToken.None);

        var outcomes = new List<PutRecordOutcome>();
        for (var i = 0; i < 3; i++)
        {
            outcomes.AddRange(await host.PutRecordsAsync(name, [.. Enumerable.Range(0, 500).Select(j => Record("k", "x"))], CancellationToken.None));
        }

        var refused = outcomes.Where(o => !o.Succeeded).ToList();
        Assert.InRange(refused.Count, 400, 1000);
        Assert.All(refused, o => Assert.Equal(KinesisErrors.ProvisionedThroughputExceeded, o.ErrorCode));
        Assert.Equal(outcomes.Count(o => o.Succeeded), (await ReadAllAsync(host, name)).Count);
    }

    [Fact]
    public async Task DeletingAStream_RemovesItsData_AndTheNameCanBeUsedAgain()
    {
        var host = Host();
        var name = NewName();
        await host.CreateStreamAsync(name, 2, null, CancellationToken.None);
        await host.PutRecordsAsync(name, [Record("k", "gone")], CancellationToken.None);

        await host.DeleteStreamAsync(name, false, CancellationToken.None);
        await host.WhenIdleAsync();

        Assert.Equal(0, await CountBlobsAsync(name));
        var missing = await Assert.ThrowsAsync<KinesisException>(() => host.DescribeAsync(name, CancellationToken.None));
        Assert.Equal(KinesisErrors.ResourceNotFound, missing.ErrorType);
        await host.CreateStreamAsync(name, 1, null, CancellationToken.None);
        Assert.Empty(await ReadAllAsync(host, name));
    }

    [Fact]
    public async Task ConcurrentChangesFromTwoHosts_AreAllKept()
    {
        var (a, b) = (Host(), Host());
        var name = NewName();
        await a.CreateStreamAsync(name, 1, null, CancellationToken.None);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() =>
            (i % 2 == 0 ? a : b).AddTagsAsync(name, new Dictionary<string, string> { [$"t{i}"] = $"{i}" }, CancellationToken.None))));

        Assert.Equal(20, (await b.DescribeAsync(name, CancellationToken.None)).Tags.Count);
    }

    /// <summary>Puts records five at a time, so small segments fill and roll.</summary>
    private static async Task PutInSmallBatchesAsync(StreamService host, string name, string label, int count, int padding)
    {
        for (var i = 0; i < count; i += 5)
        {
            await host.PutRecordsAsync(name, [.. Enumerable.Range(i, 5).Select(j => Record("k", $"{label}-{j}-" + new string('x', padding)))], CancellationToken.None);
        }
    }

    private async Task<int> CountBlobsAsync(string stream)
    {
        var page = await Store.ListBlobsAsync(StreamService.Container, $"data/{stream}/");
        return page.Items.Count;
    }

    private static async Task<List<string>> ProduceAsync(StreamService host, string name, string producer, int batches)
    {
        var acknowledged = new List<string>();
        for (var batch = 0; batch < batches; batch++)
        {
            var records = Enumerable.Range(0, 10).Select(i => Record($"{producer}-key{i}", $"{producer}-{batch:D4}-{i}")).ToList();
            var outcomes = await host.PutRecordsAsync(name, records, CancellationToken.None);
            for (var i = 0; i < outcomes.Length; i++)
            {
                Assert.True(outcomes[i].Succeeded, $"{outcomes[i].ErrorCode}: {outcomes[i].ErrorMessage}");
                acknowledged.Add(Encoding.UTF8.GetString(records[i].Data.Span));
            }
        }

        return acknowledged;
    }

    /// <summary>Within a partition key, records come back in the order they were put (parents read before children).</summary>
    private static void AssertOrderPerKey(List<(string Shard, string Key, string Data, string Sequence)> read)
    {
        foreach (var key in read.GroupBy(r => r.Key))
        {
            var batches = key.Select(r => r.Data.Split('-')[1]).ToList();
            Assert.Equal(batches.Order(StringComparer.Ordinal), batches);
        }
    }
}

public sealed class EmbeddedStreamServiceTests : StreamServiceTests, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "platform-streams-" + Guid.NewGuid().ToString("N"));
    private readonly EmbeddedBlobStore _store;

    public EmbeddedStreamServiceTests() => _store = EmbeddedBlobStore.Open(new EmbeddedBlobStoreOptions { DataPath = _folder });

    protected override IBlobStore Store => _store;

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}

public sealed class AzuriteStreamServiceTests(AzuriteFixture azurite) : StreamServiceTests, IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly AzureBlobStore _store = AzureBlobStore.FromConnectionString(azurite.Server!.ConnectionString);

    protected override IBlobStore Store => _store;

    public void Dispose() => _store.Dispose();
}

/// <summary>Collects what a stream service logs at warning level or above.</summary>
internal sealed class WarningLog : ILogger<StreamService>
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _warnings = new();

    public IReadOnlyCollection<string> Warnings => _warnings;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            _warnings.Enqueue(formatter(state, exception));
        }
    }
}
