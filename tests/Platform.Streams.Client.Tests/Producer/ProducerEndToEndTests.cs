using System.Text;
using Platform.Streams.Client.Consumer;
using Platform.Streams.Client.Producer;
using Platform.Streams.Client.Tests.Consumer;
using Platform.Streams.Client.Tests.Infrastructure;

namespace Platform.Streams.Client.Tests.Producer;

/// <summary>Producer to kinesalite to consumer: every record acknowledged, stored once, read back once, in order per key.</summary>
public sealed class ProducerEndToEndTests(KinesaliteFixture kinesalite) : IClassFixture<KinesaliteFixture>
{
    private const int Records = 5000;
    private const int Keys = 50;

    [Fact]
    public async Task ThousandsOfRecords_AreAllAcknowledged_AndReadBackOnce_InOrderPerPartitionKey()
    {
        var stream = await kinesalite.CreateStreamAsync(shards: 4);

        await ProduceAndVerifyAsync(stream, kinesalite.Client);
    }

    [Fact]
    public async Task UnderThrottling_RefusedRecordsAreRetried_AndStillArriveOnce_InOrderPerPartitionKey()
    {
        var stream = await kinesalite.CreateStreamAsync(shards: 4);
        var throttling = new ThrottlingKinesisClient(kinesalite.Client, refusedShare: 0.25, seed: 11);

        await ProduceAndVerifyAsync(stream, throttling);

        Assert.True(throttling.Refused > Records / 10, $"only {throttling.Refused} records were refused");
    }

    [Fact]
    public async Task WithoutOrdering_RecordsOfAHotKey_ShareRequests_AndAllArrive()
    {
        var stream = await kinesalite.CreateStreamAsync(shards: 2);
        var options = new KinesisProducerOptions { StreamName = stream, PreserveOrderPerPartitionKey = false };

        List<RecordAcknowledgement> acks;
        await using (var producer = new KinesisProducer(kinesalite.Client, options))
        {
            acks = [.. await Task.WhenAll(Enumerable.Range(0, 2000).Select(i => producer.AddAsync("hot", Encoding.UTF8.GetBytes($"hot:{i}"))))];
            Assert.True(producer.Statistics.Requests <= 20, $"{producer.Statistics.Requests} requests for 2000 records");
        }

        var read = await KinesisConsumerTests.ReadAsync(Consumer(stream), acks.Count);
        Assert.Equal(acks.Select(a => a.SequenceNumber).Order(), read.Select(r => r.SequenceNumber).Order());
    }

    private async Task ProduceAndVerifyAsync(string stream, IKinesisClient client)
    {
        var options = new KinesisProducerOptions { StreamName = stream, MinBackoff = TimeSpan.FromMilliseconds(10) };
        var payloads = Enumerable.Range(0, Records).Select(i => $"{i % Keys}:{i}").ToList();

        RecordAcknowledgement[] acks;
        await using (var producer = new KinesisProducer(client, options))
        {
            acks = await Task.WhenAll(payloads.Select(p => producer.AddAsync("key-" + p.Split(':')[0], Encoding.UTF8.GetBytes(p))));
            Assert.Equal(Records, producer.Statistics.Acknowledged);
            Assert.Equal(0, producer.Statistics.Failed);
        }

        var read = await KinesisConsumerTests.ReadAsync(Consumer(stream), Records);

        // Read back once each: the same (shard, sequence number) pairs the producer was acknowledged with.
        Assert.Equal(acks.Select(a => (a.ShardId, a.SequenceNumber)).Order(), read.Select(r => (r.ShardId, r.SequenceNumber)).Order());
        var bySequence = read.ToDictionary(r => r.SequenceNumber);
        for (var i = 0; i < Records; i++)
        {
            Assert.Equal(payloads[i], Encoding.UTF8.GetString(bySequence[acks[i].SequenceNumber].Data.Span));
        }

        // Order per key, both as stored (sequence numbers within each shard) and as the consumer yields.
        KinesisProducerTests.AssertOrderPerKey(read.Select(r => Encoding.UTF8.GetString(r.Data.Span)));
        foreach (var key in Enumerable.Range(0, Keys))
        {
            var sequence = Enumerable.Range(0, Records).Where(i => i % Keys == key)
                .Select(i => System.Numerics.BigInteger.Parse(acks[i].SequenceNumber, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(sequence.Order(), sequence);
        }
    }

    private KinesisConsumer Consumer(string stream) =>
        new(kinesalite.Client, new KinesisConsumerOptions { StreamName = stream, PollInterval = TimeSpan.FromMilliseconds(20), MaxIdleDelay = TimeSpan.FromMilliseconds(100) });
}
