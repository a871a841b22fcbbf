using System.Globalization;

namespace Platform.Benchmarks.Functions;

/// <summary>
/// <c>functions [--records N] [--shards N] [--parts backlog,latency,latency-azurite,idle] [--latency-records N]
/// [--latency-rate N] [--idle-seconds N] [--out DIR]</c>: the function runtime's figures from issue 4 — records/s
/// delivered to a no-op function from a backlog (batch sizes 10,000 and 100), put-to-invoke latency in one host and
/// across two hosts on Azurite, and storage calls per idle shard; writes bench-results/functions-&lt;time&gt;.md.
/// </summary>
internal static class FunctionsCommand
{
    public const string Usage = "functions [--records N] [--shards N] [--parts backlog,latency,latency-azurite,idle] [--latency-records N] [--latency-rate N] [--idle-seconds N] [--out DIR]";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new FunctionsBenchOptions();
        var parts = new[] { "backlog", "latency", "latency-azurite", "idle" };
        var outDir = BenchCommand.DefaultOutDir;
        var parsed = await BenchCommand.TryParseAsync(args, Usage, (name, value) =>
        {
            switch (name)
            {
                case "--records": options = options with { Records = long.Parse(value, CultureInfo.InvariantCulture) }; break;
                case "--shards": options = options with { Shards = int.Parse(value, CultureInfo.InvariantCulture) }; break;
                case "--latency-records": options = options with { LatencyRecords = int.Parse(value, CultureInfo.InvariantCulture) }; break;
                case "--latency-rate": options = options with { LatencyRate = double.Parse(value, CultureInfo.InvariantCulture) }; break;
                case "--idle-seconds": options = options with { IdleSeconds = double.Parse(value, CultureInfo.InvariantCulture) }; break;
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

        return await BenchCommand.RunPartsAsync("functions", "Function runtime benchmark", args, null, parts, async (part, cancellationToken) => part switch
        {
            "backlog" => await BacklogRun.RunAsync(options, cancellationToken),
            "latency" => await LatencyRun.InProcessAsync(options, cancellationToken),
            "latency-azurite" => await LatencyRun.AcrossHostsAsync(options, cancellationToken),
            "idle" => await IdleRun.RunAsync(options, cancellationToken),
            _ => throw new ArgumentException($"unknown part {part}; parts are backlog, latency, latency-azurite, idle"),
        }, outDir, TimeSpan.FromHours(2));
    }
}

/// <summary>Sizes of one functions benchmark run.</summary>
internal sealed record FunctionsBenchOptions
{
    public long Records { get; init; } = 10_000_000;

    public int Shards { get; init; } = 4;

    public int RecordSize { get; init; } = 100;

    public int LatencyRecords { get; init; } = 2000;

    /// <summary>Records put per second, one at a time, in the latency runs.</summary>
    public double LatencyRate { get; init; } = 100;

    public double IdleSeconds { get; init; } = 60;
}
