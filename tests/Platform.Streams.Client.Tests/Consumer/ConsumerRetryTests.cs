using System.Globalization;
using System.Net;
using System.Text;
using Platform.Streams.Client.Consumer;
using Platform.Streams.Client.Model;

namespace Platform.Streams.Client.Tests.Consumer;

/// <summary>The consumer's handling of expired iterators and throttling, against a scripted single-shard stream.</summary>
public sealed class ConsumerRetryTests
{
    [Fact]
    public async Task AnExpiredIterator_ContinuesAfterTheLastRecordRead_WithoutLossOrRepeat()
    {
        var stream = new ScriptedStream(records: 30, pageSize: 10) { ExpireOnce = 2 };

        var read = await KinesisConsumerTests.ReadAsync(Consumer(stream), count: 30);

        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"r{i}"), read.Select(r => Encoding.UTF8.GetString(r.Data.Span)));
        Assert.Contains(stream.IteratorRequests, r => r.ShardIteratorType == ShardIteratorType.AfterSequenceNumber && r.StartingSequenceNumber == "9");
    }

    [Fact]
    public async Task Throttling_IsWaitedOut_AndReadingGoesOn()
    {
        var stream = new ScriptedStream(records: 20, pageSize: 10) { ThrottleCalls = 3 };

        var read = await KinesisConsumerTests.ReadAsync(Consumer(stream), count: 20);

        Assert.Equal(20, read.Count);
        Assert.Equal(0, stream.ThrottleCalls);
    }

    private static KinesisConsumer Consumer(ScriptedStream stream) => new(stream, new KinesisConsumerOptions
    {
        StreamName = "s",
        PollInterval = TimeSpan.FromMilliseconds(5),
        MaxIdleDelay = TimeSpan.FromMilliseconds(20),
        MinBackoff = TimeSpan.FromMilliseconds(5),
        MaxBackoff = TimeSpan.FromMilliseconds(20),
    });

    /// <summary>One open shard whose iterators are "position" strings; can expire an iterator or throttle reads.</summary>
    private sealed class ScriptedStream(int records, int pageSize) : IKinesisClient
    {
        private int _reads;

        /// <summary>The read (from 1) that fails with ExpiredIteratorException, once.</summary>
        public int ExpireOnce { get; set; }

        /// <summary>How many reads still fail with ProvisionedThroughputExceededException.</summary>
        public int ThrottleCalls { get; set; }

        public List<GetShardIteratorRequest> IteratorRequests { get; } = [];

        public Task<ListShardsResponse> ListShardsAsync(ListShardsRequest request, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ListShardsResponse
            {
                Shards =
                [
                    new Shard
                    {
                        ShardId = "shardId-000000000000",
                        HashKeyRange = new HashKeyRange { StartingHashKey = "0", EndingHashKey = "340282366920938463463374607431768211455" },
                        SequenceNumberRange = new SequenceNumberRange { StartingSequenceNumber = "0" },
                    },
                ],
            });

        public Task<GetShardIteratorResponse> GetShardIteratorAsync(GetShardIteratorRequest request, CancellationToken cancellationToken = default)
        {
            IteratorRequests.Add(request);
            var position = request.ShardIteratorType == ShardIteratorType.AfterSequenceNumber
                ? int.Parse(request.StartingSequenceNumber!, CultureInfo.InvariantCulture) + 1
                : 0;
            return Task.FromResult(new GetShardIteratorResponse { ShardIterator = position.ToString(CultureInfo.InvariantCulture) });
        }

        public Task<GetRecordsResponse> GetRecordsAsync(GetRecordsRequest request, CancellationToken cancellationToken = default)
        {
            _reads++;
            if (_reads == ExpireOnce)
            {
                throw new KinesisException(KinesisErrorTypes.ExpiredIterator, "Iterator expired.", HttpStatusCode.BadRequest);
            }

            if (ThrottleCalls > 0)
            {
                ThrottleCalls--;
                throw new KinesisException(KinesisErrorTypes.ProvisionedThroughputExceeded, "Rate exceeded.", HttpStatusCode.BadRequest);
            }

            var from = int.Parse(request.ShardIterator, CultureInfo.InvariantCulture);
            var to = Math.Min(records, from + pageSize);
            return Task.FromResult(new GetRecordsResponse
            {
                Records = [.. Enumerable.Range(from, to - from).Select(i => new Model.Record
                {
                    SequenceNumber = i.ToString(CultureInfo.InvariantCulture),
                    PartitionKey = "k",
                    Data = Encoding.UTF8.GetBytes($"r{i}"),
                    ApproximateArrivalTimestamp = DateTimeOffset.UnixEpoch,
                })],
                NextShardIterator = to.ToString(CultureInfo.InvariantCulture),
                MillisBehindLatest = 0,
            });
        }

        public Task CreateStreamAsync(CreateStreamRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task DeleteStreamAsync(DeleteStreamRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<DescribeStreamSummaryResponse> DescribeStreamSummaryAsync(DescribeStreamSummaryRequest request, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<PutRecordResponse> PutRecordAsync(PutRecordRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<PutRecordsResponse> PutRecordsAsync(PutRecordsRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task SplitShardAsync(SplitShardRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task MergeShardsAsync(MergeShardsRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
