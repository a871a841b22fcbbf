using System.Globalization;
using System.Text;
using Platform.Runtime.Functions;
using Platform.Triggers;

namespace Platform.TestFunctions.Probes;

/// <summary>
/// Functions that report what they were given to the shared probe file, for tests that run several host processes.
/// </summary>
public sealed class ProbeFunctions(ProbeLog log, IConfiguration configuration, TimeProvider time)
{
    /// <summary>
    /// Per invocation writes <c>START host shard firstSeq lastSeq ticks count seq,seq,…</c> before doing anything and
    /// <c>END host shard firstSeq lastSeq ticks</c> after, with <c>Probe:SleepMilliseconds</c> between them. Ticks are
    /// UTC wall-clock ticks, comparable across processes on one machine; the file's line order is the real order.
    /// </summary>
    [Function("Probe")]
    public async Task RunAsync([StreamTrigger("%Probe:Stream%")] IReadOnlyList<StreamRecord> records, CancellationToken cancellationToken)
    {
        var shard = records[0].ShardId;
        var first = records[0].SequenceNumber;
        var last = records[^1].SequenceNumber;
        var start = new StringBuilder();
        start.Append(CultureInfo.InvariantCulture, $"START {log.Host} {shard} {first} {last} {time.GetUtcNow().UtcTicks} {records.Count} ");
        for (var i = 0; i < records.Count; i++)
        {
            start.Append(i == 0 ? string.Empty : ",").Append(records[i].SequenceNumber);
        }

        log.WriteLine(start.ToString());
        var sleep = configuration.GetValue("Probe:SleepMilliseconds", 0);
        if (sleep > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(sleep), time, cancellationToken);
        }

        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"END {log.Host} {shard} {first} {last} {time.GetUtcNow().UtcTicks}"));
    }

    /// <summary>
    /// For put-to-invoke latency across hosts: each record's data is the UTC ticks of its put (decimal text); writes
    /// <c>LATENCY host count micros,micros,…</c>, the time from put to this invocation per record.
    /// </summary>
    [Function("Latency")]
    public void Latency([StreamTrigger("%Latency:Stream%")] IReadOnlyList<StreamRecord> records)
    {
        var now = time.GetUtcNow().UtcTicks;
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"LATENCY {log.Host} {records.Count} ");
        for (var i = 0; i < records.Count; i++)
        {
            var put = long.TryParse(records[i].Data.Span, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) ? ticks : now;
            line.Append(i == 0 ? string.Empty : ",").Append((now - put) / 10);
        }

        log.WriteLine(line.ToString());
    }
}
