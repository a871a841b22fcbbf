using System.Text;
using Platform.Streams.Client.Consumer;
using Platform.Streams.Client.Model;
using Platform.Streams.Client.Tests.Infrastructure;

namespace Platform.Streams.Client.Tests.Consumer;

/// <summary>The consumer against kinesalite, a real Kinesis implementation, including splits and merges.</summary>
public sealed class KinesisConsumerTests(KinesaliteFixture kinesalite) : IClassFixture<KinesaliteFixture>
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(60);

    private KinesisClient Client => kinesalite.Client;

    [Fact]
    public async Task FromTrimHorizon_EveryRecordOfEveryShard_IsReadOnce_InShardOrder()
    {
        var stream = await kinesalite.CreateStreamAsync(shards: 3);
        var put = await PutAsync(stream, Enumerable.Range(0, 300).Select(i => ($"key-{i % 17}", $"{i % 17}:{i}")));

        var read = await ReadAsync(Consumer(stream), count: 300);

        Assert.Equal(put.Select(p => (p.ShardId!, p.SequenceNumber!)).Order(), read.Select(r => (r.ShardId, r.SequenceNumber)).Order());
        Assert.Equal(3, read.Select(r => r.ShardId).Distinct().Count());
        foreach (var shard in read.GroupBy(r => r.ShardId))
        {
            var sequence = shard.Select(r => System.Numerics.BigInteger.Parse(r.SequenceNumber, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(sequence.Order(), sequence);
        }

        var first = read.Single(r => Encoding.UTF8.GetString(r.Data.Span) == "0:0");
        Assert.Equal("key-0", first.PartitionKey);
        Assert.InRange(first.ApproximateArrivalTimestamp, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task FromLatest_OnlyRecordsAddedAfterTheStart_AreRead()
    {
        var stream = await kinesalite.CreateStreamAsync(shards: 2);
        await PutAsync(stream, Enumerable.Range(0, 20).Select(i => ($"k{i}", "before")));
        using var timeout = new CancellationTokenSource(TestTimeout);
        await using var records = Consumer(stream, o => o.StartPosition = StartPosition.Latest).ReadAllAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);

        // The readers take their LATEST iterators some time after the enumeration starts: keep adding until one is seen.
        var next = records.MoveNextAsync().AsTask();
        var after = 0;
        while (!next.IsCompleted)
        {
            await PutAsync(stream, [($"k{after}", $"after-{after}")]);
            after++;
            await Task.WhenAny(next, Task.Delay(100, timeout.Token));
        }

        Assert.True(await next);
        var seen = new List<string> { Encoding.UTF8.GetString(records.Current.Data.Span) };
        await PutAsync(stream, [("last", "the end")]);
        while (seen[^1] != "the end" && await records.MoveNextAsync())
        {
            seen.Add(Encoding.UTF8.GetString(records.Current.Data.Span));
        }

        Assert.DoesNotContain("before", seen);
        Assert.All(seen.SkipLast(1), s => Assert.StartsWith("after-", s, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AfterASplit_TheParentIsReadToItsEnd_BeforeEitherChild()
    {
        var stream = await kinesalite.CreateStreamAsync(shards: 1);
        await PutAsync(stream, Enumerable.Range(0, 100).Select(i => ($"key-{i % 5}", $"{i % 5}:{i}")));
        await Client.SplitShardAsync(new SplitShardRequest
        {
            StreamName = stream, ShardToSplit = "shardId-000000000000", NewStartingHashKey = "170141183460469231731687303715884105728",
        });
        await kinesalite.WaitForActiveAsync(stream);
        await PutAsync(stream, Enumerable.Range(100, 100).Select(i => ($"key-{i % 5}", $"{i % 5}:{i}")));

        var read = await ReadAsync(Consumer(stream), count: 200);

        Assert.Equal(100, read.TakeWhile(r => r.ShardId == "shardId-000000000000").Count());
        Assert.Equal(["shardId-000000000001", "shardId-000000000002"], read.Skip(100).Select(r => r.ShardId).Distinct().Order());
        Producer.KinesisProducerTests.AssertOrderPerKey(read.Select(r => Encoding.UTF8.GetString(r.Data.Span)));
    }

    [Fact]
    public async Task AfterAMerge_TheChildIsRead_OnlyOnceBothParentsAre()
    {
        var stream = await kinesalite.CreateStreamAsync(shards: 2);
        var shards = (await Client.ListShardsAsync(new ListShardsRequest { StreamName = stream })).Shards;
        await PutAsync(stream, Enumerable.Range(0, 60).Select(i => ($"key-{i % 6}", $"{i % 6}:{i}")));
        await Client.MergeShardsAsync(new MergeShardsRequest { StreamName = stream, ShardToMerge = shards[0].ShardId, AdjacentShardToMerge = shards[1].ShardId });
        await kinesalite.WaitForActiveAsync(stream);
        await PutAsync(stream, Enumerable.Range(60, 60).Select(i => ($"key-{i % 6}", $"{i % 6}:{i}")));

        var read = await ReadAsync(Consumer(stream), count: 120);

        var child = (await Client.ListShardsAsync(new ListShardsRequest { StreamName = stream })).Shards.Single(s => s.AdjacentParentShardId is not null);
        var firstChildRecord = read.FindIndex(r => r.ShardId == child.ShardId);
        Assert.Equal(60, firstChildRecord);
        Assert.All(read.Skip(60), r => Assert.Equal(child.ShardId, r.ShardId));
        Producer.KinesisProducerTests.AssertOrderPerKey(read.Select(r => Encoding.UTF8.GetString(r.Data.Span)));
    }

    [Fact]
    public async Task AStreamThatDoesNotExist_EndsTheEnumerationWithResourceNotFound()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);

        var error = await Assert.ThrowsAsync<KinesisException>(async () =>
        {
            await foreach (var _ in Consumer("missing-" + Guid.NewGuid().ToString("N")).ReadAllAsync(timeout.Token))
            {
            }
        });

        Assert.Equal(KinesisErrorTypes.ResourceNotFound, error.ErrorType);
    }

    [Fact]
    public async Task StoppingTheEnumeration_StopsTheShardReaders()
    {
        var stream = await kinesalite.CreateStreamAsync(shards: 2);
        await PutAsync(stream, [("k", "one")]);
        using var timeout = new CancellationTokenSource(TestTimeout);

        await foreach (var record in Consumer(stream).ReadAllAsync(timeout.Token))
        {
            Assert.Equal("one", Encoding.UTF8.GetString(record.Data.Span));
            break;
        }

        Assert.False(timeout.IsCancellationRequested);
    }

    [Theory]
    [InlineData(nameof(KinesisConsumerOptions.StreamName))]
    [InlineData(nameof(KinesisConsumerOptions.MaxRecordsPerRead))]
    [InlineData(nameof(KinesisConsumerOptions.MaxIdleDelay))]
    [InlineData(nameof(KinesisConsumerOptions.MaxBufferedRecords))]
    public void InvalidOptions_AreRefused_NamingTheSetting(string setting)
    {
        var options = new KinesisConsumerOptions { StreamName = "s" };
        switch (setting)
        {
            case nameof(KinesisConsumerOptions.StreamName): options.StreamName = ""; break;
            case nameof(KinesisConsumerOptions.MaxRecordsPerRead): options.MaxRecordsPerRead = 10_001; break;
            case nameof(KinesisConsumerOptions.MaxIdleDelay): options.MaxIdleDelay = TimeSpan.FromMilliseconds(1); break;
            case nameof(KinesisConsumerOptions.MaxBufferedRecords): options.MaxBufferedRecords = 0; break;
        }

        var error = Assert.Throws<ArgumentException>(() => new KinesisConsumer(Client, options));

        Assert.Contains("KinesisConsumerOptions." + setting, error.Message, StringComparison.Ordinal);
    }

    private KinesisConsumer Consumer(string stream, Action<KinesisConsumerOptions>? configure = null)
    {
        var options = new KinesisConsumerOptions { StreamName = stream, PollInterval = TimeSpan.FromMilliseconds(20), MaxIdleDelay = TimeSpan.FromMilliseconds(100) };
        configure?.Invoke(options);
        return new KinesisConsumer(Client, options);
    }

    internal static async Task<List<ConsumedRecord>> ReadAsync(KinesisConsumer consumer, int count)
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var read = new List<ConsumedRecord>(count);
        await foreach (var record in consumer.ReadAllAsync(timeout.Token))
        {
            read.Add(record);
            if (read.Count == count)
            {
                break;
            }
        }

        return read;
    }

    private async Task<List<PutRecordsResultEntry>> PutAsync(string stream, IEnumerable<(string Key, string Data)> records)
    {
        var results = new List<PutRecordsResultEntry>();
        foreach (var chunk in records.Chunk(500))
        {
            var response = await Client.PutRecordsAsync(new PutRecordsRequest
            {
                StreamName = stream,
                Records = chunk.Select(r => new PutRecordsRequestEntry { PartitionKey = r.Key, Data = Encoding.UTF8.GetBytes(r.Data) }).ToList(),
            });
            Assert.Equal(0, response.FailedRecordCount);
            results.AddRange(response.Records);
        }

        return results;
    }
}
