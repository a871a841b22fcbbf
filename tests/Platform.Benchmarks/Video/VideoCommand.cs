using System.Globalization;
using System.Text;

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
        var outDir = Path.Combine(Platform.Testing.RepoPaths.Root, "bench-results");
        for (var i = 1; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length)
            {
                await Console.Error.WriteLineAsync($"option {args[i]} needs a value; usage: {Usage}");
                return 2;
            }

            var value = args[i + 1];
            int Int() => int.Parse(value, CultureInfo.InvariantCulture);
            switch (args[i])
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
                case "--host-env": options = options with { HostEnvironment = value.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(kv => kv.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv.Length > 1 ? kv[1] : string.Empty) }; break;
                case "--parts": parts = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                case "--out": outDir = Path.GetFullPath(value); break;
                default: await Console.Error.WriteLineAsync($"unknown option {args[i]} {value}; usage: {Usage}"); return 2;
            }
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromHours(1));
        var started = DateTime.UtcNow;
        var md = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"# Video benchmark ({started:u}, {Environment.ProcessorCount} cores)")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Command: `dotnet run -c Release --project tests/Platform.Benchmarks -- {string.Join(' ', args)}`")
            .AppendLine();
        var ok = true;
        foreach (var part in parts.Where(p => p != "serving" || !parts.Contains("latency")))
        {
            Console.WriteLine($"{part}: starting");
            string section;
            try
            {
                section = part switch
                {
                    "cpu" => await CpuRun.RunAsync(options, cts.Token),
                    "latency" or "serving" => await LiveRun.RunAsync(options, latency: parts.Contains("latency"), serving: parts.Contains("serving"), cts.Token),
                    "list" => await ListFragmentsRun.RunAsync(options, cts.Token),
                    _ => throw new ArgumentException($"unknown part {part}; parts are cpu, latency, serving, list"),
                };
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or ArgumentException or HttpRequestException)
            {
                ok = false;
                section = $"## {part}\n\nFAILED: {e.GetType().Name}: {e.Message}\n";
            }

            Console.WriteLine(section);
            md.AppendLine(section);
        }

        Directory.CreateDirectory(outDir);
        var path = Path.Combine(outDir, $"video-{started.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.md");
        await File.WriteAllTextAsync(path, md.ToString(), cts.Token);
        Console.WriteLine($"results written to {path}");
        return ok ? 0 : 1;
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
