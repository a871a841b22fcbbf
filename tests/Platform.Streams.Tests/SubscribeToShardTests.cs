using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Streams.Api;
using Platform.Streams.Client.EventStream;
using Platform.Streams.Service;

namespace Platform.Streams.Tests;

/// <summary>SubscribeToShard through the API's request handler on a real embedded store, its event stream read back.</summary>
[Collection(nameof(SubscribeToShardTests))] // changes KinesisApi's subscription timings, which are process-wide
public sealed class SubscribeToShardTests : IAsyncLifetime
{
    private ApiOnEmbeddedStore? _api;

    public async Task InitializeAsync() => _api = await ApiOnEmbeddedStore.StartAsync("sub", 1, new StreamsOptions { GetRecordsMaxBytes = 64 * 1024 });

    public async Task DisposeAsync()
    {
        KinesisApi.SubscriptionLifetime = TimeSpan.FromMinutes(5);
        KinesisApi.QuietEventInterval = TimeSpan.FromSeconds(5);
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }
    }

    /// <summary>Runs one subscription to its end (the lifetime set) and returns its SubscribeToShardEvent payloads.</summary>
    private async Task<List<JsonElement>> SubscribeAsync(string consumerArn, object startingPosition)
    {
        var (status, body) = await _api!.SendAsync("SubscribeToShard", JsonSerializer.SerializeToUtf8Bytes(new { ConsumerARN = consumerArn, ShardId = "shardId-000000000000", StartingPosition = startingPosition }));
        Assert.Equal(200, status);

        var events = new List<JsonElement>();
        var buffer = new ReadOnlySequence<byte>(body);
        var reader = new EventStreamReader();
        while (reader.TryRead(ref buffer, out var message))
        {
            Assert.Equal(EventStreamMessageTypes.Event, message.MessageType);
            if (message.EventType == KinesisEventStream.SubscribeToShardEventType)
            {
                events.Add(JsonDocument.Parse(message.Payload).RootElement.Clone());
            }
        }

        Assert.True(buffer.IsEmpty, "the body ends with a whole message");
        return events;
    }

    [Fact]
    public async Task AnAtTimestampSubscription_PassingOverManyAnswersOfOlderRecords_NeverHandsOutAContinuationAmongThem()
    {
        var service = _api!.Service;
        var stream = _api.Stream;
        var consumer = await service.RegisterConsumerAsync(stream, "c", CancellationToken.None);
        var old = new List<PutRecordOutcome>();
        for (var batch = 0; batch < 6; batch++)
        {
            old.AddRange(await service.PutRecordsAsync(stream, [.. Enumerable.Range(0, 50).Select(i => new PutRecordInput("k", null, new byte[10_000]))], CancellationToken.None));
        }

        await Task.Delay(50);
        var at = DateTimeOffset.UtcNow;
        await Task.Delay(50);
        var fresh = (await service.PutRecordsAsync(stream, [new PutRecordInput("k", null, Encoding.UTF8.GetBytes("new"))], CancellationToken.None))[0];

        // Events as often as the loop turns: a quiet event sent while the older records (~3 MB, many answers of at
        // most 64 KiB) are still being passed over would carry a continuation among them.
        KinesisApi.QuietEventInterval = TimeSpan.Zero;
        KinesisApi.SubscriptionLifetime = TimeSpan.FromSeconds(1.5);
        var events = await SubscribeAsync(consumer.Arn, new { Type = "AT_TIMESTAMP", Timestamp = at.ToUnixTimeMilliseconds() / 1000.0 });

        Assert.NotEmpty(events);
        var delivered = events.SelectMany(e => e.GetProperty("Records").EnumerateArray()).Select(r => Encoding.UTF8.GetString(r.GetProperty("Data").GetBytesFromBase64())).ToList();
        Assert.Equal(["new"], delivered);
        foreach (var continuation in events.Select(e => e.GetProperty("ContinuationSequenceNumber").GetString()!))
        {
            Assert.True(string.CompareOrdinal(continuation, old[^1].SequenceNumber.ToString()) > 0, $"continuation {continuation} is among the records before the time");
            var resumed = await service.GetRecordsAsync(await service.GetShardIteratorAsync(stream, "shardId-000000000000", IteratorType.AfterSequenceNumber, continuation, null, CancellationToken.None), 10, CancellationToken.None);
            Assert.True(resumed.Records.Count == 0 || resumed.Records[0].SequenceNumber == fresh.SequenceNumber);
        }
    }
}

[CollectionDefinition(nameof(SubscribeToShardTests), DisableParallelization = true)]
public sealed class SubscribeToShardTestsCollection;
