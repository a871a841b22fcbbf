using System.Globalization;
using System.Text.Json;
using Platform.Testing;

namespace Platform.Benchmarks.Kinesis;

/// <summary>
/// How hard and how long to load each target; the defaults are the peer comparison's. The warm-up is 20 s because a
/// host started for the run is still compiling its hot paths well after the first seconds: under a load that keeps
/// both cores busy, tiered JIT's one background thread gets little CPU. perf on the host between 7 and 15 s of load
/// (after the 5 s warm-up this used to be) put 38% of its samples on that thread (libclrjit and libcoreclr); after
/// 21 s it was 3.5%, and the host then needed about half the CPU per record. A server in use is past that; kinesalite
/// (node's JIT warms too) gets the same warm-up.
/// </summary>
internal sealed record KinesisLoadOptions(
    double Seconds = 10,
    double WarmupSeconds = 20,
    string HttpVersion = "1",
    int RecordSize = 1024,
    int Batch = 500,
    int Concurrency = 8,
    int Shards = 4,
    int Processes = 2);

/// <summary>
/// One target's run, in three phases of node processes (tests/js/kinesis-load.cjs, tests/js/kinesis-visibility.cjs):
/// first the load alone (put, then the whole stream read back and checked), for throughput and PutRecords latency;
/// then the same load again beside a GetRecords poller reading every record from LATEST, for put-to-visible latency
/// under full load (files in a temp folder order them: the load starts once the poller's iterators exist and deletes its stream only after the poller has stopped); then the
/// poller alone with its own light producer (100 single-record puts a second for 5 s) for the latency of an unloaded
/// server. The poller is kept out of the throughput phase because, on a small machine, its own CPU (it decodes every
/// record) would be measured as much as the server.
/// </summary>
internal static class KinesisLoadRun
{
    public static async Task<KinesisResultRow> RunAsync(KinesisTarget target, KinesisLoadOptions options, CancellationToken cancellationToken)
    {
        var noEnvironment = new Dictionary<string, string>();
        var phaseSeconds = options.WarmupSeconds + options.Seconds;
        var stream = $"bench-{target.Name}-{Guid.NewGuid():N}"[..40];
        var load = await NodeScript.RunAsync(
            [
                Script("kinesis-load.cjs"), .. Common(target, options, stream), .. LoadArguments(options),
                .. (target.OpenStore is null ? Array.Empty<string>() : ["--keep"]),
            ],
            noEnvironment,
            TimeSpan.FromSeconds(phaseSeconds + 600),
            cancellationToken);
        using var loadJson = LastJsonLine(load.StandardOutput);
        var row = KinesisResultRow.From(target.Name, options.HttpVersion, load, loadJson);
        if (row.Error is not null || !target.StoresRecords)
        {
            return row;
        }

        if (target.OpenStore is not null)
        {
            row = row with { StorageWritesPerShardPerSecond = await CountStorageWritesAsync(target.OpenStore, stream, phaseSeconds, cancellationToken) };
        }

        row = await RunBesidePollerAsync(target, options, row, cancellationToken);
        var idle = await NodeScript.RunAsync(
            [Script("kinesis-visibility.cjs"), "--endpoint", target.Endpoint, "--http", options.HttpVersion, "--produce-rate", "100", "--seconds", "5", "--warmup-seconds", "2", "--record-size", Number(options.RecordSize)],
            noEnvironment,
            TimeSpan.FromMinutes(3),
            cancellationToken);
        using var idleJson = LastJsonLine(idle.StandardOutput);
        return row.WithIdleVisibility(idle, idleJson);
    }

    private static async Task<KinesisResultRow> RunBesidePollerAsync(KinesisTarget target, KinesisLoadOptions options, KinesisResultRow row, CancellationToken cancellationToken)
    {
        var sync = Directory.CreateTempSubdirectory("kinesis-bench-sync-").FullName;
        try
        {
            var stream = $"bench-{target.Name}-{Guid.NewGuid():N}"[..40];
            var ready = Path.Combine(sync, "ready");
            var done = Path.Combine(sync, "done");
            var phaseSeconds = options.WarmupSeconds + options.Seconds;
            var noEnvironment = new Dictionary<string, string>();
            using var stopPoller = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var poller = NodeScript.RunAsync(
                [Script("kinesis-visibility.cjs"), .. Common(target, options, stream), "--ready-file", ready, "--done-file", done, "--max-seconds", Number(phaseSeconds + 180)],
                noEnvironment,
                TimeSpan.FromSeconds(phaseSeconds + 240),
                stopPoller.Token);
            var load = await NodeScript.RunAsync(
                [Script("kinesis-load.cjs"), .. Common(target, options, stream), .. LoadArguments(options), "--go-file", ready, "--read-after-file", done, "--no-read-back"],
                noEnvironment,
                TimeSpan.FromSeconds(phaseSeconds + 300),
                cancellationToken);
            using var loadJson = LastJsonLine(load.StandardOutput);
            if (loadJson is null || loadJson.RootElement.TryGetProperty("error", out _))
            {
                await stopPoller.CancelAsync(); // it would otherwise wait a minute for a stream that never comes
            }

            var visibility = await poller;
            using var visibilityJson = LastJsonLine(visibility.StandardOutput);
            return row.WithLoadedVisibility(load, loadJson, visibility, visibilityJson);
        }
        finally
        {
            Directory.Delete(sync, recursive: true);
        }
    }

    private static string[] Common(KinesisTarget target, KinesisLoadOptions options, string stream) =>
        ["--endpoint", target.Endpoint, "--http", options.HttpVersion, "--stream", stream];

    private static string[] LoadArguments(KinesisLoadOptions options) =>
    [
        "--seconds", Number(options.Seconds), "--warmup-seconds", Number(options.WarmupSeconds),
        "--record-size", Number(options.RecordSize), "--batch", Number(options.Batch),
        "--concurrency", Number(options.Concurrency), "--shards", Number(options.Shards), "--processes", Number(options.Processes),
    ];

    /// <summary>
    /// Storage appends per second of the busiest shard during the put phase: every append is one committed
    /// block of a segment blob, and nothing else appends to the stream, so blocks over time is the rate.
    /// </summary>
    private static async Task<double> CountStorageWritesAsync(Func<Platform.Storage.IBlobStore> open, string stream, double seconds, CancellationToken cancellationToken)
    {
        var store = open();
        try
        {
            var blocks = new Dictionary<string, long>(StringComparer.Ordinal);
            string? token = null;
            do
            {
                var page = await store.ListBlobsAsync(Platform.Streams.Service.StreamService.Container, $"data/{stream}/", token, cancellationToken: cancellationToken);
                foreach (var blob in page.Items)
                {
                    // Azure's listing leaves the committed block count out; the blob's properties carry it.
                    var count = blob.CommittedBlockCount
                        ?? (await store.GetPropertiesAsync(new Platform.Storage.BlobPath(Platform.Streams.Service.StreamService.Container, blob.Name), cancellationToken: cancellationToken)).CommittedBlockCount
                        ?? 0;
                    var shard = blob.Name.Split('/')[3];
                    blocks[shard] = blocks.GetValueOrDefault(shard) + count;
                }

                token = page.ContinuationToken;
            }
            while (token is not null);
            return blocks.Count == 0 ? 0 : blocks.Values.Max() / seconds;
        }
        finally
        {
            (store as IDisposable)?.Dispose();
        }
    }

    private static string Script(string name) => Path.Combine(RepoPaths.Root, "tests", "js", name);

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static JsonDocument? LastJsonLine(string output)
    {
        var line = output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith('{'));
        if (line is null)
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(line);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
