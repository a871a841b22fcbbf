using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Platform.Functions.Tests.Streams;

/// <summary>
/// What the producers of one test sent and what the service acknowledged. A record is named by its producer
/// and that producer's counter; its partition key and data are derived from the name, so any record read back
/// can be checked byte for byte and traced to the put that sent it.
/// </summary>
internal sealed class RecordLedger
{
    private readonly ConcurrentDictionary<RecordName, byte> _sent = new();
    private readonly ConcurrentDictionary<RecordName, Acknowledgement> _acknowledged = new();
    private readonly ConcurrentDictionary<int, int> _nextCounter = new();
    private readonly ConcurrentQueue<string> _rejected = new();
    private readonly ConcurrentQueue<Exception> _failedRequests = new();

    /// <summary>Records the service stored, with the shard and sequence number it answered.</summary>
    public IReadOnlyDictionary<RecordName, Acknowledgement> Acknowledged => _acknowledged;

    /// <summary>Records whose PutRecords entry came back with an error code (sent, not acknowledged).</summary>
    public IReadOnlyCollection<string> Rejected => _rejected;

    /// <summary>PutRecords requests that got no answer (sent, not acknowledged; may or may not be stored).</summary>
    public IReadOnlyCollection<Exception> FailedRequests => _failedRequests;

    public int SentCount => _sent.Count;

    public static string PartitionKey(RecordName name) => $"p{name.Producer}-k{name.Counter % 5}";

    /// <summary>The producer and counter, then a filler whose length and letters vary with both, so frames differ in size.</summary>
    public static byte[] Data(RecordName name) =>
        Encoding.UTF8.GetBytes($"{name.Producer}:{name.Counter}:" + new string((char)('a' + ((name.Producer + name.Counter) % 26)), 16 + (name.Counter % 97)));

    /// <summary>The name a record's data claims; false when the data is not shaped like anything a producer sends.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out RecordName name)
    {
        name = default;
        var text = Encoding.UTF8.GetString(data);
        var parts = text.Split(':');
        if (parts.Length != 3
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var producer)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var counter))
        {
            return false;
        }

        name = new RecordName(producer, counter);
        return true;
    }

    public bool WasSent(RecordName name) => _sent.ContainsKey(name);

    /// <summary>The first counter a producer has not used yet, so a producer restarted later keeps its keys in order.</summary>
    public int NextCounter(int producer) => _nextCounter.GetValueOrDefault(producer);

    public void Sending(IEnumerable<RecordName> names)
    {
        foreach (var name in names)
        {
            _sent.TryAdd(name, 0);
            _nextCounter.AddOrUpdate(name.Producer, name.Counter + 1, (_, next) => Math.Max(next, name.Counter + 1));
        }
    }

    public void Acknowledge(RecordName name, string host, string shardId, string sequenceNumber)
    {
        if (!_acknowledged.TryAdd(name, new Acknowledgement(host, shardId, sequenceNumber)))
        {
            throw new InvalidOperationException($"Record {name} was acknowledged twice.");
        }
    }

    public void Reject(RecordName name, string errorCode, string? message) => _rejected.Enqueue($"{name}: {errorCode} {message}");

    public void RequestFailed(Exception error) => _failedRequests.Enqueue(error);
}

/// <summary>The counter-th record of a producer.</summary>
internal readonly record struct RecordName(int Producer, int Counter)
{
    public override string ToString() => $"{Producer}:{Counter}";
}

/// <summary>Where the service said a record was stored, and which host said it.</summary>
internal sealed record Acknowledgement(string Host, string ShardId, string SequenceNumber);
