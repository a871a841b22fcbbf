using System.Globalization;
using System.Text;

namespace Platform.Benchmarks.Kinesis;

/// <summary>The Markdown table of a kinesis run, with each target's throughput as a ratio of kinesalite's.</summary>
internal static class KinesisReport
{
    public static string Markdown(IReadOnlyList<KinesisResultRow> rows, KinesisLoadOptions options, DateTime startedUtc)
    {
        var peer = rows.FirstOrDefault(r => r.Target == KinesisTarget.Kinesalite && r.Error is null);
        var md = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"# Kinesis API benchmark ({startedUtc:u}, {Environment.ProcessorCount} cores)")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Each target started fresh; the AWS SDK for JavaScript v3 over HTTP/{(options.HttpVersion == "2" ? "2 (h2c)" : "1.1")}; a stream of {options.Shards} shards; {options.Concurrency} concurrent PutRecords of {options.Batch} records of {options.RecordSize} B for {options.Seconds:0.#} s after {options.WarmupSeconds:0.#} s of warm-up, from {options.Processes} node process(es) (one tops out near one core).")
            .AppendLine("Put rec/s, PutRecords latency and read = the load alone; read = the whole stream read back from TRIM_HORIZON on all shards at once (GetRecords Limit 10000, shards dealt out between the processes), after the put phase and min(warm-up, 2 s) of unmeasured reading from TRIM_HORIZON (the read path's own warm-up, for every target).")
            .AppendLine("Put→visible = the same load run again beside a separate poller process on a new stream, LATEST on every shard, GetRecords in a tight loop: its receive time minus the send time carried in each record (so it includes the PutRecords round trip). Under saturating load this shows how far a consumer falls behind, not only the server's commit delay; \"put beside poller\" is that run's put rate (the poller decodes every record and takes CPU from both).")
            .AppendLine("Idle put→visible = the same poller alone with its own light producer (100 single-record PutRecord calls a second for 5 s, 1 shard, after 2 s of the same unmeasured: the server has just finished the loaded runs, and the load runs are warmed up too).")
            .AppendLine("Storage writes/s per shard = committed append blocks of the busiest shard's segment blobs divided by the put phase (warm-up included); kinesalite keeps data in memory.")
            .AppendLine("× kinesalite = this target's throughput divided by kinesalite's in the same run.")
            .AppendLine("ceiling = the same load against tests/js/kinesis-canned.cjs, an endpoint that does no work: it answers every PutRecords with canned success and GetRecords with prebuilt answers of canned records (1 MiB of data each, as our host's default GetRecordsMaxBytes; as many records per shard as were put): what the node processes can send and read on this machine when they have it to themselves (a real server shares the cores with them).")
            .AppendLine()
            .AppendLine("Seen = the share of the records put (after warm-up) that the poller received at all; a poller that follows NextShardIterator should see every one.")
            .AppendLine()
            .AppendLine("| target | put rec/s | read rec/s | PutRecords p50 / p99 ms | put beside poller rec/s | put→visible p50 / p99 ms (seen) | idle put→visible p50 / p99 ms (seen) | put × kinesalite | read × kinesalite | storage writes/s per shard | read-back check |")
            .AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in rows)
        {
            var check = r.CountCheckPassed switch
            {
                true => $"ok ({r.ReadBackRecords} records)",
                false => "FAILED",
                null when r.Target == KinesisTarget.Ceiling && r.ReadBackRecords > 0 => $"none: canned ({r.ReadBackRecords} records)",
                null => "—",
            };
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Target} | {F(r.PutRecordsPerSecond, "0")} | {F(r.ReadRecordsPerSecond, "0")} | {F(r.PutP50Ms, "0.0")} / {F(r.PutP99Ms, "0.0")} | {F(r.PutBesidePollerPerSecond, "0")} | {F(r.VisibleP50Ms, "0.0")} / {F(r.VisibleP99Ms, "0.0")} ({F(r.VisibleSeen * 100, "0")}%) | {F(r.IdleVisibleP50Ms, "0.0")} / {F(r.IdleVisibleP99Ms, "0.0")} ({F(r.IdleVisibleSeen * 100, "0")}%) | {Ratio(r.PutRecordsPerSecond, peer?.PutRecordsPerSecond)} | {Ratio(r.ReadRecordsPerSecond, peer?.ReadRecordsPerSecond)} | {F(r.StorageWritesPerShardPerSecond, "0")} | {check} |");
        }

        var failures = rows.Where(r => r.Error is not null).ToList();
        if (failures.Count > 0)
        {
            md.AppendLine().AppendLine("Problems:").AppendLine();
            foreach (var r in failures)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- {r.Target}: {r.Error!.ReplaceLineEndings(" ")}");
            }
        }

        return md.ToString();
    }

    private static string F(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "—";

    private static string Ratio(double? value, double? peer) =>
        value is { } v && peer is > 0 ? (v / peer.Value).ToString("0.00", CultureInfo.InvariantCulture) + "×" : "—";
}
