using System.Globalization;

namespace Platform.Benchmarks.Video;

/// <summary>
/// <c>video [--parts cpu,latency,serving,list] [--publishers N] [--rounds N] [--warmup S] [--window S] [--latency-seconds S]
/// [--wrk-seconds S] [--wrk-connections N] [--list-days N] [--list-queries N] [--host-env K=V,K=V] [--out DIR]</c>: the video figures of
/// issue 5 side by side in one run; writes bench-results/video-&lt;time&gt;.md.
/// </summary>
internal static class VideoCommand
{
    public const string Usage = "video [--parts cpu,latency,serving,list] [--publishers N] [--rounds N] [--warmup S] [--window S] [--latency-seconds S] [--wrk-seconds S] [--wrk-connections N] [--list-days N] [--list-queries N] [--host-env K=V,K=V] [--out DIR]";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new VideoBenchOptions();
        var parts = new[] { "cpu", "latency", "serving", "list" };
        var outDir = BenchCommand.DefaultOutDir;
        var parsed = await BenchCommand.TryParseAsync(args, Usage, (name, value) =>
        {
            int Int() => int.Parse(value, CultureInfo.InvariantCulture);
            switch (name)
            {
                case "--publishers": options = options with { Publishers = Int() }; break;
                case "--rounds": options = options with { Rounds = Math.Max(1, Int()) }; break;
                case "--warmup": options = options with { WarmupSeconds = Int() }; break;
                case "--window": options = options with { WindowSeconds = Int() }; break;
                case "--latency-seconds": options = options with { LatencySeconds = Int() }; break;
                case "--wrk-seconds": options = options with { WrkSeconds = Int() }; break;
                case "--wrk-connections": options = options with { WrkConnections = Int() }; break;
                case "--list-days": options = options with { ListDays = Int() }; break;
                case "--list-queries": options = options with { ListQueries = Int() }; break;
                case "--host-env": options = options with { HostEnvironment = BenchCommand.Environment(value) }; break;
                case "--parts": parts = BenchCommand.List(value); break;
                case "--out": outDir = Path.GetFullPath(value); break;
                default: return false;
            }

            return true;
        });
        if (!parsed)
        {
            return 2;
        }

        return await BenchCommand.RunPartsAsync("video", "Video benchmark", args, null, parts.Where(p => p != "serving" || !parts.Contains("latency")), async (part, cancellationToken) => part switch
        {
            "cpu" => await CpuRun.RunAsync(options, cancellationToken),
            "latency" or "serving" => await LiveRun.RunAsync(options, latency: parts.Contains("latency"), serving: parts.Contains("serving"), cancellationToken),
            "list" => await ListFragmentsRun.RunAsync(options, cancellationToken),
            _ => throw new ArgumentException($"unknown part {part}; parts are cpu, latency, serving, list"),
        }, outDir, TimeSpan.FromHours(1));
    }
}

/// <summary>Sizes of one video benchmark run.</summary>
internal sealed record VideoBenchOptions
{
    public int Publishers { get; init; } = 20;

    /// <summary>CPU part: measurement rounds, each ours then nginx (a noisy machine moves both within a round alike).</summary>
    public int Rounds { get; init; } = 1;

    public int WarmupSeconds { get; init; } = 30; // past tiered JIT compilation of the ingest path, which is most of the CPU in the first ~20 s

    public int WindowSeconds { get; init; } = 30;

    public int LatencySeconds { get; init; } = 40;

    public int WrkSeconds { get; init; } = 10;

    public int WrkConnections { get; init; } = 32;

    public int ListDays { get; init; } = 7;

    public int ListQueries { get; init; } = 300;

    /// <summary>Extra environment of the hosts the cpu, latency and serving parts start (runtime knobs to compare).</summary>
    public IReadOnlyDictionary<string, string> HostEnvironment { get; init; } = new Dictionary<string, string>();
}
