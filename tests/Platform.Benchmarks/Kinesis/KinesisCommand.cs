using System.Globalization;
using Platform.Testing;

namespace Platform.Benchmarks.Kinesis;

/// <summary>
/// <c>kinesis [--seconds N] [--targets ceiling,kinesalite,embedded,azurite] [--http 1|2] [--out DIR]
/// [--record-size B] [--batch N] [--concurrency N] [--shards N] [--processes N] [--warmup-seconds N]</c>: the same
/// AWS SDK load against kinesalite and our host on both storage backends, one after another in one
/// run; writes bench-results/kinesis-&lt;time&gt;.md. A target that fails is reported in the table,
/// and the run goes on.
/// </summary>
internal static class KinesisCommand
{
    public const string Usage = "kinesis [--seconds N] [--targets ceiling,kinesalite,embedded,azurite] [--http 1|2] [--out DIR] [--record-size B] [--batch N] [--concurrency N] [--shards N] [--processes N] [--warmup-seconds N]";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new KinesisLoadOptions();
        var targets = new[] { KinesisTarget.Ceiling, KinesisTarget.Kinesalite, KinesisTarget.Embedded, KinesisTarget.Azurite };
        var outDir = BenchCommand.DefaultOutDir;
        var parsed = await BenchCommand.TryParseAsync(args, Usage, (name, value) =>
        {
            switch (name)
            {
                case "--seconds": options = options with { Seconds = double.Parse(value, CultureInfo.InvariantCulture) }; break;
                case "--warmup-seconds": options = options with { WarmupSeconds = double.Parse(value, CultureInfo.InvariantCulture) }; break;
                case "--http" when value is "1" or "2": options = options with { HttpVersion = value }; break;
                case "--record-size": options = options with { RecordSize = int.Parse(value, CultureInfo.InvariantCulture) }; break;
                case "--batch": options = options with { Batch = int.Parse(value, CultureInfo.InvariantCulture) }; break;
                case "--concurrency": options = options with { Concurrency = int.Parse(value, CultureInfo.InvariantCulture) }; break;
                case "--shards": options = options with { Shards = int.Parse(value, CultureInfo.InvariantCulture) }; break;
                case "--processes": options = options with { Processes = int.Parse(value, CultureInfo.InvariantCulture) }; break;
                case "--targets": targets = BenchCommand.List(value); break;
                case "--out": outDir = Path.GetFullPath(value); break;
                default: return false;
            }

            return true;
        });
        if (!parsed)
        {
            return 2;
        }

        await NodeTools.EnsureInstalledAsync("kinesalite", CancellationToken.None);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(60));
        var started = DateTime.UtcNow;
        var rows = new List<KinesisResultRow>();
        foreach (var name in targets)
        {
            Console.WriteLine($"{name}: starting");
            var row = await RunTargetAsync(name, options, cts.Token);
            rows.Add(row);
            Console.WriteLine(Summary(row));
        }

        Directory.CreateDirectory(outDir);
        var path = Path.Combine(outDir, $"kinesis-{started.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.md");
        var markdown = KinesisReport.Markdown(rows, options, started);
        await File.WriteAllTextAsync(path, markdown, cts.Token);
        Console.WriteLine();
        Console.WriteLine(markdown);
        Console.WriteLine($"results written to {path}");
        return rows.All(r => r.Error is null && (r.CountCheckPassed == true || (r.Target == KinesisTarget.Ceiling && r.CountCheckPassed != false))) ? 0 : 1;
    }

    private static async Task<KinesisResultRow> RunTargetAsync(string name, KinesisLoadOptions options, CancellationToken cancellationToken)
    {
        if (name is KinesisTarget.Kinesalite or KinesisTarget.Ceiling && options.HttpVersion == "2")
        {
            return KinesisResultRow.Skipped(name, options.HttpVersion, $"{name} serves HTTP/1.1 only");
        }

        try
        {
            await using var target = await KinesisTarget.StartAsync(name, cancellationToken);
            return await KinesisLoadRun.RunAsync(target, options, cancellationToken);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or ArgumentException or HttpRequestException)
        {
            return KinesisResultRow.Failed(name, options.HttpVersion, e);
        }
    }

    private static string Summary(KinesisResultRow r) => r.Error is not null
        ? $"{r.Target}: {r.Error}"
        : string.Create(CultureInfo.InvariantCulture,
            $"{r.Target}: put {r.PutRecordsPerSecond:0} rec/s (p50 {r.PutP50Ms:0.0} ms, p99 {r.PutP99Ms:0.0} ms), read {r.ReadRecordsPerSecond:0} rec/s, put→visible p50 {r.VisibleP50Ms:0.0} ms p99 {r.VisibleP99Ms:0.0} ms seen {r.VisibleSeen:P0} (idle p50 {r.IdleVisibleP50Ms:0.0} ms p99 {r.IdleVisibleP99Ms:0.0} ms seen {r.IdleVisibleSeen:P0}), check {r.CountCheckPassed switch { true => "ok", false => "FAILED", null => "not made" }}");
}
