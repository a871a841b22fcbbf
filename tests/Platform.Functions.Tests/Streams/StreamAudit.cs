using System.Numerics;
using Platform.Streams.Client;
using Platform.Streams.Client.Consumer;

namespace Platform.Functions.Tests.Streams;

/// <summary>
/// Reads a whole stream with <see cref="KinesisConsumer"/> (parents before children) and checks what came back
/// against a <see cref="RecordLedger"/>. Problems are collected, not thrown, so one failure shows all of them.
/// </summary>
internal static class StreamAudit
{
    /// <summary>After every acknowledged record has been seen, how long the stream must stay quiet before reading stops (so duplicates and strays show up).</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(750);
    private const int MaxProblemsShown = 20;

    /// <summary>
    /// Every record of the stream from TRIM_HORIZON, until all acknowledged records have been seen and then
    /// nothing more arrives for a while, or <paramref name="timeout"/> passes (what was read so far is returned).
    /// </summary>
    public static async Task<List<ConsumedRecord>> ReadAllAsync(IKinesisClient client, string stream, RecordLedger ledger, TimeSpan timeout)
    {
        var consumer = new KinesisConsumer(client, new KinesisConsumerOptions
        {
            StreamName = stream,
            PollInterval = TimeSpan.FromMilliseconds(20),
            MaxIdleDelay = TimeSpan.FromMilliseconds(100),
            ShardDiscoveryInterval = TimeSpan.FromSeconds(1),
            MinBackoff = TimeSpan.FromMilliseconds(50),
            MaxBackoff = TimeSpan.FromMilliseconds(500),
        });
        var unseen = new HashSet<RecordName>(ledger.Acknowledged.Keys);
        var read = new List<ConsumedRecord>();
        using var stop = new CancellationTokenSource(timeout);
        await using var records = consumer.ReadAllAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        try
        {
            while (true)
            {
                var next = records.MoveNextAsync().AsTask();
                if (unseen.Count == 0 && await Task.WhenAny(next, Task.Delay(Quiet, CancellationToken.None)) != next)
                {
                    await stop.CancelAsync();
                    await next;
                }

                if (!await next)
                {
                    return read;
                }

                read.Add(records.Current);
                if (RecordLedger.TryParse(records.Current.Data.Span, out var name))
                {
                    unseen.Remove(name);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return read;
        }
    }

    /// <summary>
    /// What is wrong with <paramref name="read"/>: a record no producer sent or whose key or data differ from what
    /// was sent, a record read twice, an acknowledged record missing or at another shard or sequence number than
    /// acknowledged, a shard whose records are out of sequence order, or a partition key whose records are out of put order.
    /// </summary>
    public static List<string> Problems(RecordLedger ledger, IReadOnlyList<ConsumedRecord> read)
    {
        var problems = new List<string>();
        var seen = new Dictionary<RecordName, ConsumedRecord>();
        var lastInShard = new Dictionary<string, BigInteger>(StringComparer.Ordinal);
        var lastOfKey = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var record in read)
        {
            var where = $"{record.ShardId} @ {record.SequenceNumber}";
            var sequence = BigInteger.Parse(record.SequenceNumber, System.Globalization.CultureInfo.InvariantCulture);
            if (lastInShard.TryGetValue(record.ShardId, out var previous) && sequence <= previous)
            {
                problems.Add($"out of sequence order: {where} came after {previous}");
            }

            lastInShard[record.ShardId] = sequence;
            if (!RecordLedger.TryParse(record.Data.Span, out var name) || !ledger.WasSent(name))
            {
                problems.Add($"garbage: {where} holds data no producer sent ({record.Data.Length} bytes, key {record.PartitionKey})");
                continue;
            }

            if (record.PartitionKey != RecordLedger.PartitionKey(name) || !record.Data.Span.SequenceEqual(RecordLedger.Data(name)))
            {
                problems.Add($"garbage: {where} claims to be {name} but its key or data differ from what was sent");
                continue;
            }

            if (!seen.TryAdd(name, record))
            {
                problems.Add($"duplicate: {name} read at {where} and at {seen[name].ShardId} @ {seen[name].SequenceNumber}");
                continue;
            }

            if (lastOfKey.TryGetValue(record.PartitionKey, out var before) && name.Counter <= before)
            {
                problems.Add($"out of put order: {name} (key {record.PartitionKey}) came after counter {before}");
            }

            lastOfKey[record.PartitionKey] = name.Counter;
            if (ledger.Acknowledged.TryGetValue(name, out var ack) && (ack.ShardId != record.ShardId || ack.SequenceNumber != record.SequenceNumber))
            {
                problems.Add($"moved: {name} was acknowledged by host {ack.Host} as {ack.ShardId} @ {ack.SequenceNumber} but read at {where}");
            }
        }

        foreach (var (name, ack) in ledger.Acknowledged.OrderBy(a => a.Key.Producer).ThenBy(a => a.Key.Counter))
        {
            if (!seen.ContainsKey(name))
            {
                problems.Add($"missing: {name}, acknowledged by host {ack.Host} as {ack.ShardId} @ {ack.SequenceNumber}");
            }
        }

        return problems;
    }

    /// <summary>Fails with the first problems and their count, or passes when there are none.</summary>
    public static void AssertNoProblems(string reader, RecordLedger ledger, IReadOnlyList<ConsumedRecord> read, string context = "")
    {
        var problems = Problems(ledger, read);
        Assert.True(problems.Count == 0,
            $"{reader} read {read.Count} records ({ledger.Acknowledged.Count} acknowledged, {ledger.SentCount} sent) with {problems.Count} problem(s):\n"
            + string.Join('\n', problems.Take(MaxProblemsShown)) + context);
    }
}
