using System.Net;
using System.Text;
using System.Text.Json;
using Platform.Streams.Client.Model;
using Platform.Streams.Client.Protocol;

namespace Platform.Streams.Client.Tests.Infrastructure;

/// <summary>
/// Answers PutRecords in memory for tests of the producer's pure logic (batching, retries, limits):
/// stores records on one shard with increasing sequence numbers, and fails the records or requests
/// that <see cref="FailRecord"/> and <see cref="FailRequest"/> pick. Not a Kinesis stand-in for anything else.
/// </summary>
internal sealed class FakePutRecordsHandler : DelegatingHandler
{
    private readonly Lock _lock = new();
    private long _sequence;
    private int _inFlight;

    /// <summary>Records stored, in the order the fake stored them.</summary>
    public List<(string PartitionKey, byte[] Data, string SequenceNumber)> Stored { get; } = [];

    /// <summary>Each request's record count and total bytes (data plus UTF-8 partition keys).</summary>
    public List<(int Records, long Bytes)> Requests { get; } = [];

    /// <summary>Picks records to refuse with ProvisionedThroughputExceededException (called once per record attempt).</summary>
    public Func<PutRecordsRequestEntry, bool> FailRecord { get; set; } = static _ => false;

    /// <summary>Picks whole requests to answer with an error response instead (request number from 1).</summary>
    public Func<int, HttpResponseMessage?> FailRequest { get; set; } = static _ => null;

    /// <summary>Awaited before answering each request: lets a test hold requests in flight.</summary>
    public Func<Task> BeforeAnswer { get; set; } = static () => Task.CompletedTask;

    public int MaxConcurrentRequests { get; private set; }

    public int RequestCount
    {
        get
        {
            lock (_lock)
            {
                return Requests.Count;
            }
        }
    }

    public KinesisClient CreateClient(out HttpClient http)
    {
        http = new HttpClient(this, disposeHandler: false);
        return new KinesisClient(http, new Uri("http://127.0.0.1:9/"), new Platform.Streams.Client.Auth.AwsCredentials("AKIDFAKE", "fake"));
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Assert.Equal("Kinesis_20131202.PutRecords", request.Headers.GetValues("X-Amz-Target").Single());
        var body = JsonSerializer.Deserialize(await request.Content!.ReadAsByteArrayAsync(cancellationToken), KinesisJsonContext.Default.PutRecordsRequest)!;
        int number;
        lock (_lock)
        {
            Requests.Add((body.Records.Count, body.Records.Sum(r => (long)r.Data.Length + Encoding.UTF8.GetByteCount(r.PartitionKey))));
            number = Requests.Count;
            MaxConcurrentRequests = Math.Max(MaxConcurrentRequests, ++_inFlight);
        }

        try
        {
            await BeforeAnswer();
            if (FailRequest(number) is { } failure)
            {
                return failure;
            }

            var results = new List<PutRecordsResultEntry>();
            lock (_lock)
            {
                foreach (var entry in body.Records)
                {
                    if (FailRecord(entry))
                    {
                        results.Add(new PutRecordsResultEntry { ErrorCode = "ProvisionedThroughputExceededException", ErrorMessage = "Rate exceeded for shard shardId-000000000000" });
                        continue;
                    }

                    var sequence = (++_sequence).ToString("D20", System.Globalization.CultureInfo.InvariantCulture);
                    Stored.Add((entry.PartitionKey, entry.Data.ToArray(), sequence));
                    results.Add(new PutRecordsResultEntry { ShardId = "shardId-000000000000", SequenceNumber = sequence });
                }
            }

            var response = new PutRecordsResponse { FailedRecordCount = results.Count(r => r.ErrorCode is not null), Records = results };
            return StubHandler.Json(HttpStatusCode.OK, JsonSerializer.Serialize(response, KinesisJsonContext.Default.PutRecordsResponse));
        }
        finally
        {
            lock (_lock)
            {
                _inFlight--;
            }
        }
    }
}
