using System.Globalization;

namespace Platform.Benchmarks.WebRtc;

/// <summary>
/// <c>webrtc [--parts cpu,startup,latency,nack] [--sessions 1,4] [--warmup S] [--window S] [--startup-runs N]
/// [--latency-seconds S] [--nack-seconds S] [--loss PERCENT] [--host-env K=V,K=V] [--out DIR]</c>: the WHIP figures of issue 6, with headless
/// Chromium publishing from a test network namespace (needs root, iproute2, chromium); writes bench-results/webrtc-&lt;time&gt;.md.
/// </summary>
internal static class WebRtcCommand
{
    public const string Usage = "webrtc [--parts cpu,startup,latency,nack] [--sessions 1,4] [--warmup S] [--window S] [--startup-runs N] [--latency-seconds S] [--nack-seconds S] [--loss PERCENT] [--host-env K=V,K=V] [--out DIR]";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new WebRtcBenchOptions();
        var parts = new[] { "cpu", "startup", "latency", "nack" };
        var outDir = BenchCommand.DefaultOutDir;
        var parsed = await BenchCommand.TryParseAsync(args, Usage, (name, value) =>
        {
            int Int() => int.Parse(value, CultureInfo.InvariantCulture);
            switch (name)
            {
                case "--sessions": options = options with { Sessions = [.. value.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))] }; break;
                case "--warmup": options = options with { WarmupSeconds = Int() }; break;
                case "--window": options = options with { WindowSeconds = Int() }; break;
                case "--startup-runs": options = options with { StartupRuns = Int() }; break;
                case "--latency-seconds": options = options with { LatencySeconds = Int() }; break;
                case "--nack-seconds": options = options with { NackSeconds = Int() }; break;
                case "--loss": options = options with { LossPercent = double.Parse(value, CultureInfo.InvariantCulture) }; break;
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

        return await BenchCommand.RunPartsAsync("webrtc", "WebRTC (WHIP) benchmark", args, md => md
            .AppendLine(options.HostEnvironment.Count == 0 ? string.Empty : $"Host environment: `{string.Join(' ', options.HostEnvironment.Select(kv => $"{kv.Key}={kv.Value}"))}`.\n")
            .AppendLine("Publishers: headless Chromium (Debian `chromium`, `--use-fake-device-for-media-stream=fps=30`) in a network namespace joined by a veth pair, on the host's publisher page `/player/publish.html?stream=…&width=1280&height=720&fps=30&degradation=maintain-resolution` (H.264 + Opus over WHIP). The host is `functions/` as a process, HTTP and WebRTC UDP also on the veth address.")
            .AppendLine(), parts, async (part, cancellationToken) => part switch
        {
            "cpu" => await WhipCpuRun.RunAsync(options, cancellationToken),
            "startup" => await WhipStartupRun.RunAsync(options, cancellationToken),
            "latency" => await WhipLatencyRun.RunAsync(options, cancellationToken),
            "nack" => await WhipNackRun.RunAsync(options, cancellationToken),
            _ => throw new ArgumentException($"unknown part {part}; parts are cpu, startup, latency, nack"),
        }, outDir, TimeSpan.FromHours(1));
    }
}

/// <summary>Sizes of one WebRTC benchmark run.</summary>
internal sealed record WebRtcBenchOptions
{
    /// <summary>Publisher counts the cpu part measures, one after the other on one host.</summary>
    public IReadOnlyList<int> Sessions { get; init; } = [1, 4];

    public int WarmupSeconds { get; init; } = 30; // past tiered JIT compilation of the receive path

    public int WindowSeconds { get; init; } = 20;

    public int StartupRuns { get; init; } = 5;

    public int LatencySeconds { get; init; } = 30;

    public int NackSeconds { get; init; } = 30;

    public double LossPercent { get; init; } = 2;

    /// <summary>Extra environment of the host processes (runtime knobs to compare).</summary>
    public IReadOnlyDictionary<string, string> HostEnvironment { get; init; } = new Dictionary<string, string>();
}
