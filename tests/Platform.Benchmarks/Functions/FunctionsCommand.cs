using System.Globalization;
using System.Text;

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
        var outDir = Path.Combine(Platform.Testing.RepoPaths.Root, "bench-results");
        for (var i = 1; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length)
            {
                await Console.Error.WriteLineAsync($"option {args[i]} needs a value; usage: {Usage}");
                return 2;
            }

            var value = args[i + 1];
            switch (args[i])
            {
                case "--records": options = options with { Records = long.Parse(value, CultureInfo.InvariantCulture) }; break;
                case "--shards": options = options with { Shards = int.Parse(value, CultureInfo.InvariantCulture) }; break;
                case "--latency-records": options = options with { LatencyRecords = int.Parse(value, CultureInfo.InvariantCulture) }; break;
                case "--latency-rate": options = options with { LatencyRate = double.Parse(value, CultureInfo.InvariantCulture) }; break;
                case "--idle-seconds": options = options with { IdleSeconds = double.Parse(value, CultureInfo.InvariantCulture) }; break;
                case "--parts": parts = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                case "--out": outDir = Path.GetFullPath(value); break;
                default: await Console.Error.WriteLineAsync($"unknown option {args[i]} {value}; usage: {Usage}"); return 2;
            }
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromHours(2));
        var started = DateTime.UtcNow;
        var md = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"# Function runtime benchmark ({started:u}, {Environment.ProcessorCount} cores)")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Command: `dotnet run -c Release --project tests/Platform.Benchmarks -- {string.Join(' ', args)}`")
            .AppendLine();
        var ok = true;
        foreach (var part in parts)
        {
            Console.WriteLine($"{part}: starting");
            string section;
            try
            {
                section = part switch
                {
                    "backlog" => await BacklogRun.RunAsync(options, cts.Token),
                    "latency" => await LatencyRun.InProcessAsync(options, cts.Token),
                    "latency-azurite" => await LatencyRun.AcrossHostsAsync(options, cts.Token),
                    "idle" => await IdleRun.RunAsync(options, cts.Token),
                    _ => throw new ArgumentException($"unknown part {part}; parts are backlog, latency, latency-azurite, idle"),
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
        var path = Path.Combine(outDir, $"functions-{started.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.md");
        await File.WriteAllTextAsync(path, md.ToString(), cts.Token);
        Console.WriteLine($"results written to {path}");
        return ok ? 0 : 1;
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
