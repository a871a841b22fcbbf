using System.Diagnostics;
using System.Net;
using System.Text;
using Platform.Streams.Client.Producer;
using Platform.Streams.Client.Tests.Infrastructure;

namespace Platform.Streams.Client.Tests.Producer;

/// <summary>The producer's batching, retry, back-pressure and flush logic, against an in-memory PutRecords.</summary>
public sealed class KinesisProducerTests : IDisposable
{
    private readonly FakePutRecordsHandler _fake = new();
    private readonly HttpClient _http;
    private readonly KinesisClient _client;

    public KinesisProducerTests() => _client = _fake.CreateClient(out _http);

    public void Dispose()
    {
        _http.Dispose();
        _fake.Dispose();
    }

    [Fact]
    public async Task ThrottledRecords_AreRetried_UntilEveryOneIsStoredExactlyOnce_InOrderPerPartitionKey()
    {
        var random = new Random(7);
        _fake.FailRecord = _ => random.NextDouble() < 0.3;
        await using var producer = Producer(o => o.MinBackoff = TimeSpan.FromMilliseconds(5));

        var adds = Enumerable.Range(0, 2000).Select(i => producer.AddAsync($"key-{i % 40}", Encoding.UTF8.GetBytes($"{i % 40}:{i}"))).ToList();
        var acks = await Task.WhenAll(adds);

        Assert.Equal(2000, _fake.Stored.Count);
        Assert.Equal(2000, acks.Select(a => a.SequenceNumber).Distinct().Count());
        Assert.Equal(_fake.Stored.Select(s => s.SequenceNumber).Order(), acks.Select(a => a.SequenceNumber).Order());
        AssertOrderPerKey(_fake.Stored.Select(s => Encoding.UTF8.GetString(s.Data)));
        Assert.True(producer.Statistics.Retried > 100, $"retried {producer.Statistics.Retried}");
        Assert.Equal(2000, producer.Statistics.Acknowledged);
    }

    [Fact]
    public async Task EachAcknowledgement_CarriesTheShardAndSequenceNumberTheServiceGaveThatRecord()
    {
        await using var producer = Producer();

        var acks = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => producer.AddAsync($"k{i}", Encoding.UTF8.GetBytes($"r{i}"))));

        for (var i = 0; i < acks.Length; i++)
        {
            var stored = _fake.Stored.Single(s => s.SequenceNumber == acks[i].SequenceNumber);
            Assert.Equal($"r{i}", Encoding.UTF8.GetString(stored.Data));
            Assert.Equal("shardId-000000000000", acks[i].ShardId);
        }
    }

    [Fact]
    public async Task Requests_HoldAtMost500Records_And5MiB()
    {
        await using var producer = Producer(o => o.PreserveOrderPerPartitionKey = false);
        var big = new byte[900 * 1024];

        var small = Enumerable.Range(0, 1203).Select(i => producer.AddAsync($"k{i}", "x"u8.ToArray()));
        var large = Enumerable.Range(0, 13).Select(i => producer.AddAsync($"big{i}", big));
        await Task.WhenAll(small.Concat(large));

        Assert.All(_fake.Requests, r => Assert.InRange(r.Records, 1, 500));
        Assert.All(_fake.Requests, r => Assert.InRange(r.Bytes, 1, 5 * 1024 * 1024));
        Assert.Equal(1216, _fake.Requests.Sum(r => r.Records));
        Assert.Contains(_fake.Requests, r => r.Records == 500);
    }

    [Fact]
    public async Task ARecordWaitsForLinger_BeforeGoingAloneInARequest()
    {
        await using var producer = Producer(o => o.Linger = TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();

        await producer.AddAsync("k", "x"u8.ToArray());

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(250), $"sent after {clock.Elapsed}");
        Assert.Equal(1, _fake.RequestCount);
    }

    [Fact]
    public async Task FlushAsync_SendsAtOnce_AndReturnsWhenEarlierRecordsAreAcknowledged()
    {
        await using var producer = Producer(o => o.Linger = TimeSpan.FromMinutes(10));
        var pending = Enumerable.Range(0, 10).Select(i => producer.AddAsync($"k{i}", "x"u8.ToArray())).ToList();

        await producer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.All(pending, t => Assert.True(t.IsCompletedSuccessfully));
        Assert.Equal(10, _fake.Stored.Count);
    }

    [Fact]
    public async Task AFullBuffer_MakesEnqueueWait_UntilAcknowledgementsMakeRoom()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _fake.BeforeAnswer = () => release.Task;
        await using var producer = Producer(o =>
        {
            o.MaxBufferedRecords = 10;
            o.Linger = TimeSpan.Zero;
        });

        var admitted = new List<Task<Platform.Streams.Client.Producer.RecordAcknowledgement>>();
        for (var i = 0; i < 10; i++)
        {
            admitted.Add(await producer.EnqueueAsync($"k{i}", "x"u8.ToArray()).AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        }

        var eleventh = producer.EnqueueAsync("k10", "x"u8.ToArray()).AsTask();
        await Task.Delay(200);
        Assert.False(eleventh.IsCompleted, "the eleventh record was admitted into a full buffer");

        release.SetResult();
        var acknowledged = await (await eleventh.WaitAsync(TimeSpan.FromSeconds(10)));
        await Task.WhenAll(admitted);
        Assert.Equal(11, _fake.Stored.Count);
        Assert.NotNull(acknowledged.SequenceNumber);
    }

    [Fact]
    public async Task CancellingAWaitForRoom_LeavesTheRecordOut_AndDoesNotHoldUpFlush()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _fake.BeforeAnswer = () => release.Task;
        await using var producer = Producer(o => o.MaxBufferedRecords = 1);
        var first = await producer.EnqueueAsync("a", "1"u8.ToArray());
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await producer.EnqueueAsync("b", "2"u8.ToArray(), cancellationToken: cancel.Token));

        release.SetResult();
        await producer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await first;
        Assert.Equal(["1"], _fake.Stored.Select(s => Encoding.UTF8.GetString(s.Data)));
    }

    [Fact]
    public async Task NoMoreThanMaxRequestsInFlight_AreOutstandingAtOnce()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _fake.BeforeAnswer = () => release.Task;
        await using var producer = Producer(o =>
        {
            o.MaxRequestsInFlight = 3;
            o.MaxRecordsPerRequest = 1;
            o.Linger = TimeSpan.Zero;
        });

        var adds = Enumerable.Range(0, 12).Select(i => producer.AddAsync($"k{i}", "x"u8.ToArray())).ToList();
        await WaitUntil(() => _fake.RequestCount == 3);
        await Task.Delay(200);
        Assert.Equal(3, _fake.RequestCount);

        release.SetResult();
        await Task.WhenAll(adds).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, _fake.MaxConcurrentRequests);
        Assert.Equal(12, _fake.RequestCount);
    }

    [Fact]
    public async Task WithOrderPerKey_OneRecordPerKeyIsOutAtATime_AndWithoutIt_RecordsOfAKeyShareRequests()
    {
        await using (var ordered = Producer())
        {
            await Task.WhenAll(Enumerable.Range(0, 20).Select(i => ordered.AddAsync("hot", "x"u8.ToArray())));
        }

        Assert.All(_fake.Requests, r => Assert.Equal(1, r.Records));
        var orderedRequests = _fake.RequestCount;

        await using (var unordered = Producer(o => o.PreserveOrderPerPartitionKey = false))
        {
            await Task.WhenAll(Enumerable.Range(0, 20).Select(i => unordered.AddAsync("hot", "x"u8.ToArray())));
        }

        Assert.Equal(20, orderedRequests);
        Assert.True(_fake.RequestCount - orderedRequests <= 2, $"{_fake.RequestCount - orderedRequests} requests for 20 records");
    }

    [Fact]
    public async Task WholeRequestFailuresThatAreTransient_AreRetried()
    {
        _fake.FailRequest = n => n switch
        {
            1 => StubHandler.Json(HttpStatusCode.InternalServerError, """{"__type":"InternalFailure","message":"boom"}"""),
            2 => StubHandler.Json(HttpStatusCode.BadRequest, """{"__type":"ProvisionedThroughputExceededException","message":"slow down"}"""),
            3 => StubHandler.Json(HttpStatusCode.BadRequest, """{"__type":"LimitExceededException","message":"slow down"}"""),
            _ => null,
        };
        await using var producer = Producer(o => o.MinBackoff = TimeSpan.FromMilliseconds(5));

        await Task.WhenAll(Enumerable.Range(0, 5).Select(i => producer.AddAsync($"k{i}", "x"u8.ToArray())));

        Assert.Equal(5, _fake.Stored.Count);
        Assert.True(_fake.RequestCount >= 4);
    }

    [Fact]
    public async Task APermanentError_FailsTheRecordsTasks_AndTheProducerCarriesOn()
    {
        _fake.FailRequest = n => n == 1
            ? StubHandler.Json(HttpStatusCode.BadRequest, """{"__type":"ResourceNotFoundException","message":"Stream s not found"}""")
            : null;
        await using var producer = Producer();

        var error = await Assert.ThrowsAsync<KinesisException>(() => producer.AddAsync("k", "x"u8.ToArray()));
        var later = await producer.AddAsync("k", "y"u8.ToArray());

        Assert.Equal(KinesisErrorTypes.ResourceNotFound, error.ErrorType);
        Assert.NotNull(later.SequenceNumber);
        Assert.Equal(1, producer.Statistics.Failed);
    }

    [Fact]
    public async Task RetriesStop_WhenRecordTtlHasPassed_WithTheLastError()
    {
        _fake.FailRecord = _ => true;
        await using var producer = Producer(o =>
        {
            o.RecordTtl = TimeSpan.FromMilliseconds(500);
            o.MinBackoff = TimeSpan.FromMilliseconds(20);
        });
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<KinesisException>(() => producer.AddAsync("k", "x"u8.ToArray()));

        Assert.Equal(KinesisErrorTypes.ProvisionedThroughputExceeded, error.ErrorType);
        Assert.Contains("RecordTtl", error.Message, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5));
        Assert.Empty(_fake.Stored);
    }

    [Fact]
    public async Task DisposeAsync_SendsWhatIsBuffered_ThenRefusesNewRecords()
    {
        var producer = Producer(o => o.Linger = TimeSpan.FromMinutes(10));
        var pending = Enumerable.Range(0, 25).Select(i => producer.AddAsync($"k{i}", "x"u8.ToArray())).ToList();

        await producer.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.All(pending, t => Assert.True(t.IsCompletedSuccessfully));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => producer.AddAsync("k", "x"u8.ToArray()));
    }

    [Theory]
    [InlineData("", 1, null, "partition key")]
    [InlineData("257", 1, null, "partition key")]
    [InlineData("k", 1024 * 1024, null, "at most 1048576 bytes")]
    [InlineData("k", 1, "-1", "explicit hash key")]
    [InlineData("k", 1, "340282366920938463463374607431768211456", "explicit hash key")]
    [InlineData("k", 1, "12a", "explicit hash key")]
    public async Task RecordsBreakingKinesisLimits_AreRefusedWhenAdded(string key, int size, string? hashKey, string reason)
    {
        await using var producer = Producer();
        var partitionKey = key == "257" ? new string('k', 257) : key;

        var error = await Assert.ThrowsAsync<ArgumentException>(() => producer.AddAsync(partitionKey, new byte[size], hashKey));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExplicitHashKey_IsSentWithTheRecord()
    {
        var seen = new List<string?>();
        _fake.FailRecord = entry =>
        {
            lock (seen)
            {
                seen.Add(entry.ExplicitHashKey);
            }

            return false;
        };
        await using var producer = Producer();

        await producer.AddAsync("k", "x"u8.ToArray(), "340282366920938463463374607431768211455");

        Assert.Equal(["340282366920938463463374607431768211455"], seen);
    }

    [Theory]
    [InlineData(nameof(KinesisProducerOptions.StreamName))]
    [InlineData(nameof(KinesisProducerOptions.MaxRecordsPerRequest))]
    [InlineData(nameof(KinesisProducerOptions.MaxBytesPerRequest))]
    [InlineData(nameof(KinesisProducerOptions.MaxRequestsInFlight))]
    [InlineData(nameof(KinesisProducerOptions.Linger))]
    [InlineData(nameof(KinesisProducerOptions.MaxBackoff))]
    public void InvalidOptions_AreRefused_NamingTheSetting(string setting)
    {
        var options = new KinesisProducerOptions { StreamName = "s" };
        switch (setting)
        {
            case nameof(KinesisProducerOptions.StreamName): options.StreamName = " "; break;
            case nameof(KinesisProducerOptions.MaxRecordsPerRequest): options.MaxRecordsPerRequest = 501; break;
            case nameof(KinesisProducerOptions.MaxBytesPerRequest): options.MaxBytesPerRequest = 6 * 1024 * 1024; break;
            case nameof(KinesisProducerOptions.MaxRequestsInFlight): options.MaxRequestsInFlight = 0; break;
            case nameof(KinesisProducerOptions.Linger): options.Linger = TimeSpan.FromMilliseconds(-1); break;
            case nameof(KinesisProducerOptions.MaxBackoff): options.MaxBackoff = TimeSpan.FromMilliseconds(1); break;
        }

        var error = Assert.Throws<ArgumentException>(() => new KinesisProducer(_client, options));

        Assert.Contains("KinesisProducerOptions." + setting, error.Message, StringComparison.Ordinal);
    }

    private KinesisProducer Producer(Action<KinesisProducerOptions>? configure = null)
    {
        var options = new KinesisProducerOptions { StreamName = "s", Linger = TimeSpan.FromMilliseconds(20) };
        configure?.Invoke(options);
        return new KinesisProducer(_client, options);
    }

    /// <summary>Records are "key:index"; within each key the indexes must rise.</summary>
    internal static void AssertOrderPerKey(IEnumerable<string> records)
    {
        var last = new Dictionary<string, int>();
        foreach (var record in records)
        {
            var parts = record.Split(':');
            var index = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            if (last.TryGetValue(parts[0], out var previous))
            {
                Assert.True(index > previous, $"key {parts[0]}: {index} came after {previous}");
            }

            last[parts[0]] = index;
        }
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), "condition not reached in 10 s");
            await Task.Delay(10);
        }
    }
}
