using System.Collections.Concurrent;
using System.Globalization;
using System.Numerics;
using System.Text;
using Platform.Streams.Client;
using Platform.Streams.Client.Model;

namespace Platform.Functions.Tests.Triggers;

/// <summary>
/// Puts records at a steady pace through the Kinesis API, spread evenly over the shards with explicit hash keys, and
/// keeps every acknowledged (shard, sequence number), the records the function must see at least once.
/// </summary>
internal sealed class ProbeProducer(IKinesisClient client, string stream, int shards)
{
    private readonly ConcurrentDictionary<(string Shard, string Sequence), byte> _acknowledged = new();
    private readonly ConcurrentQueue<string> _failures = new();
    private int _counter;

    public IReadOnlyCollection<(string Shard, string Sequence)> Acknowledged => [.. _acknowledged.Keys];

    public IReadOnlyCollection<string> Failures => _failures;

    /// <summary>Puts <paramref name="perRequest"/> records every <paramref name="interval"/> until <paramref name="stop"/>; a failed request is noted and the loop goes on.</summary>
    public Task RunAsync(int perRequest, TimeSpan interval, CancellationToken stop) => Task.Run(async () =>
    {
        var range = BigInteger.One << 128;
        while (!stop.IsCancellationRequested)
        {
            var entries = new List<PutRecordsRequestEntry>(perRequest);
            for (var i = 0; i < perRequest; i++)
            {
                var n = Interlocked.Increment(ref _counter);
                var hashKey = (range / shards * (n % shards)) + 1 + n;
                entries.Add(new PutRecordsRequestEntry
                {
                    PartitionKey = "k" + (n % 64).ToString(CultureInfo.InvariantCulture),
                    ExplicitHashKey = hashKey.ToString(CultureInfo.InvariantCulture),
                    Data = Encoding.UTF8.GetBytes("record-" + n.ToString(CultureInfo.InvariantCulture)),
                });
            }

            try
            {
                // Not cancelled by stop: a request cut off mid-flight would leave records whose fate is unknown.
                var response = await client.PutRecordsAsync(new PutRecordsRequest { StreamName = stream, Records = entries }, CancellationToken.None);
                foreach (var entry in response.Records)
                {
                    if (entry.ErrorCode is null)
                    {
                        _acknowledged.TryAdd((entry.ShardId!, entry.SequenceNumber!), 0);
                    }
                    else
                    {
                        _failures.Enqueue($"{entry.ErrorCode} {entry.ErrorMessage}");
                    }
                }
            }
            catch (Exception e) when (e is KinesisException or HttpRequestException or TaskCanceledException)
            {
                _failures.Enqueue(e.Message);
            }

            try
            {
                await Task.Delay(interval, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }, CancellationToken.None);
}
