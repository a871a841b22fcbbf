using System.Net;
using System.Net.Sockets;
using System.Text;
using Platform.Streams.Client.Auth;
using Platform.Streams.Client.Model;
using Platform.Streams.Client.Tests.Infrastructure;

namespace Platform.Streams.Client.Tests.Client;

/// <summary>The client against kinesalite, a real Kinesis implementation.</summary>
public sealed class KinesisClientTests(KinesaliteFixture kinesalite) : IClassFixture<KinesaliteFixture>
{
    private KinesisClient Client => kinesalite.Client;

    [Fact]
    public async Task CreateStream_ThenDescribeStreamSummary_ShowsAnActiveStreamWithItsShards()
    {
        var stream = await kinesalite.CreateStreamAsync(shards: 3);

        var summary = (await Client.DescribeStreamSummaryAsync(new DescribeStreamSummaryRequest { StreamName = stream })).StreamDescriptionSummary;

        Assert.Equal(stream, summary.StreamName);
        Assert.Equal(StreamStatus.Active, summary.StreamStatus);
        Assert.Equal(3, summary.OpenShardCount);
        Assert.Equal(24, summary.RetentionPeriodHours);
        Assert.InRange(summary.StreamCreationTimestamp, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.StartsWith("arn:aws:kinesis:", summary.StreamARN, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListShards_ReturnsEveryShard_CoveringTheWholeHashKeySpace()
    {
        var stream = await kinesalite.CreateStreamAsync(shards: 4);

        var shards = (await Client.ListShardsAsync(new ListShardsRequest { StreamName = stream })).Shards;

        Assert.Equal(["shardId-000000000000", "shardId-000000000001", "shardId-000000000002", "shardId-000000000003"], shards.Select(s => s.ShardId));
        Assert.Equal("0", shards[0].HashKeyRange.StartingHashKey);
        Assert.Equal("340282366920938463463374607431768211455", shards[^1].HashKeyRange.EndingHashKey);
        Assert.All(shards, s => Assert.False(s.IsClosed));
    }

    [Fact]
    public async Task PutRecord_ThenGetRecords_ReadsBackTheDataKeyAndArrivalTime()
    {
        var stream = await kinesalite.CreateStreamAsync(shards: 1);
        var data = new byte[] { 0, 1, 2, 250, 255 };
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);

        var put = await Client.PutRecordAsync(new PutRecordRequest { StreamName = stream, PartitionKey = "ключ-1", Data = data });
        var iterator = await Client.GetShardIteratorAsync(new GetShardIteratorRequest
        {
            StreamName = stream, ShardId = put.ShardId, ShardIteratorType = ShardIteratorType.TrimHorizon,
        });
        var records = await Client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator.ShardIterator!, Limit = 10 });

        var record = Assert.Single(records.Records);
        Assert.Equal(put.SequenceNumber, record.SequenceNumber);
        Assert.Equal("ключ-1", record.PartitionKey);
        Assert.Equal(data, record.Data.ToArray());
        Assert.InRange(record.ApproximateArrivalTimestamp, before, DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.NotNull(records.NextShardIterator);
    }

    [Fact]
    public async Task PutRecords_StoresEveryRecord_WithOneResultPerRecordInRequestOrder()
    {
        var stream = await kinesalite.CreateStreamAsync(shards: 2);
        var entries = Enumerable.Range(0, 50)
            .Select(i => new PutRecordsRequestEntry { PartitionKey = $"key-{i % 7}", Data = Encoding.UTF8.GetBytes($"record {i}") })
            .ToList();

        var response = await Client.PutRecordsAsync(new PutRecordsRequest { StreamName = stream, Records = entries });

        Assert.Equal(0, response.FailedRecordCount);
        Assert.Equal(50, response.Records.Count);
        Assert.All(response.Records, r => Assert.Null(r.ErrorCode));
        var byShard = response.Records.Select((r, i) => (r, i)).GroupBy(x => x.r.ShardId!);
        foreach (var shard in byShard)
        {
            // Within a shard, sequence numbers follow request order.
            var sequence = shard.Select(x => System.Numerics.BigInteger.Parse(x.r.SequenceNumber!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(sequence.Order(), sequence);
        }
    }

    [Fact]
    public async Task AnExplicitHashKey_RoutesTheRecordToTheShardOwningThatKey()
    {
        var stream = await kinesalite.CreateStreamAsync(shards: 2);
        var shards = (await Client.ListShardsAsync(new ListShardsRequest { StreamName = stream })).Shards;

        var put = await Client.PutRecordAsync(new PutRecordRequest
        {
            StreamName = stream, PartitionKey = "any", Data = "x"u8.ToArray(), ExplicitHashKey = shards[1].HashKeyRange.StartingHashKey,
        });

        Assert.Equal(shards[1].ShardId, put.ShardId);
    }

    [Fact]
    public async Task SplitShard_ClosesTheParent_AndListShardsShowsItsTwoChildren()
    {
        var stream = await kinesalite.CreateStreamAsync(shards: 1);

        await Client.SplitShardAsync(new SplitShardRequest
        {
            StreamName = stream, ShardToSplit = "shardId-000000000000", NewStartingHashKey = "170141183460469231731687303715884105728",
        });
        await kinesalite.WaitForActiveAsync(stream);
        var shards = (await Client.ListShardsAsync(new ListShardsRequest { StreamName = stream })).Shards;

        Assert.Equal(3, shards.Count);
        Assert.True(shards[0].IsClosed);
        Assert.All(shards.Skip(1), s => Assert.Equal("shardId-000000000000", s.ParentShardId));
    }

    [Fact]
    public async Task AMissingStream_ThrowsResourceNotFound_AsAPermanentClientError()
    {
        var error = await Assert.ThrowsAsync<KinesisException>(() =>
            Client.DescribeStreamSummaryAsync(new DescribeStreamSummaryRequest { StreamName = "no-such-stream-" + Guid.NewGuid().ToString("N") }));

        Assert.Equal(KinesisErrorTypes.ResourceNotFound, error.ErrorType);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains("not found", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public async Task DeleteStream_RemovesTheStream()
    {
        var stream = await kinesalite.CreateStreamAsync(shards: 1);

        await Client.DeleteStreamAsync(new DeleteStreamRequest { StreamName = stream });

        var error = await Assert.ThrowsAsync<KinesisException>(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                await Client.DescribeStreamSummaryAsync(new DescribeStreamSummaryRequest { StreamName = stream });
                await Task.Delay(20);
            }
        });
        Assert.Equal(KinesisErrorTypes.ResourceNotFound, error.ErrorType);
    }

    [Fact]
    public async Task AnInvalidRequest_ThrowsTheServiceValidationError()
    {
        var error = await Assert.ThrowsAsync<KinesisException>(() =>
            Client.CreateStreamAsync(new CreateStreamRequest { StreamName = "bad name!", ShardCount = 1 }));

        Assert.Equal(KinesisErrorTypes.Validation, error.ErrorType);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public async Task AnEndpointThatRefusesConnections_ThrowsATransientNetworkError()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        using var http = new HttpClient();
        var client = new KinesisClient(http, new Uri($"http://127.0.0.1:{port}/"), new AwsCredentials("a", "b"));

        var error = await Assert.ThrowsAsync<KinesisException>(() => client.ListShardsAsync(new ListShardsRequest { StreamName = "s" }));

        Assert.Equal(KinesisErrorTypes.NetworkError, error.ErrorType);
        Assert.Null(error.StatusCode);
        Assert.True(error.IsTransient);
        Assert.IsType<HttpRequestException>(error.InnerException);
    }
}
