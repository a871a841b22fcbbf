using System.Diagnostics;
using System.Globalization;
using System.Text;
using Platform.Streams.Control;
using Platform.Streams.Service;

namespace Platform.Benchmarks.Functions;

/// <summary>
/// Storage calls an idle function costs: one host, a function on a stream of idle shards, every <c>IBlobStore</c>
/// call counted for a while once the shards are claimed, reported per minute and per shard (each call is one storage
/// request on Azure Blob Storage). Default host settings: failover 10 s, poll interval 250 ms backing off to 10 s.
/// </summary>
internal static class IdleRun
{
    private const string Stream = "idle";

    public static async Task<string> RunAsync(FunctionsBenchOptions options, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("platform-bench-idle-").FullName;
        CountingBlobStore? counting = null;
        try
        {
            await using var host = await BenchTriggerHost.CreateAsync(folder, typeof(NoOpDefaultBatches), new Dictionary<string, string?> { ["Bench:Stream"] = Stream },
                store => counting = new CountingBlobStore(store));
            await host.Streams.CreateStreamAsync(Stream, options.Shards, null, cancellationToken);
            while ((await host.Streams.DescribeAsync(Stream, cancellationToken)).Status != StreamStatus.Active)
            {
                await Task.Delay(20, cancellationToken);
            }

            await host.StartAsync(cancellationToken);
            var clock = Stopwatch.StartNew();
            while (host.Triggers.Coordinators.Sum(c => c.OwnedShards.Count) < options.Shards)
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new TimeoutException("The host did not claim every shard in 60 s.");
                }

                await Task.Delay(50, cancellationToken);
            }

            // Let the claim-time writes and first reads pass, then count.
            await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
            counting!.Reset();
            var probesBefore = host.Streams.CountTailProbes(Stream);
            clock.Restart();
            await Task.Delay(TimeSpan.FromSeconds(options.IdleSeconds), cancellationToken);
            var counts = counting.Snapshot();
            var minutes = clock.Elapsed.TotalMinutes;
            var md = new StringBuilder()
                .AppendLine("## Storage calls of an idle function (embedded backend, one host)")
                .AppendLine()
                .AppendLine(CultureInfo.InvariantCulture, $"A no-op function on a {options.Shards}-shard stream with no records, default host settings, every `IBlobStore` call counted for {clock.Elapsed.TotalSeconds:F0} s after the shards were claimed.")
                .AppendLine()
                .AppendLine("| operation | container | kind | per minute | per minute per shard |")
                .AppendLine("|---|---|---|---:|---:|");
            foreach (var ((operation, container, write), count) in counts.OrderBy(c => c.Key.Container, StringComparer.Ordinal).ThenBy(c => c.Key.Operation, StringComparer.Ordinal))
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {operation} | {container} | {(write ? "write" : "read")} | {count / minutes:F1} | {count / minutes / options.Shards:F1} |");
            }

            var reads = counts.Where(c => !c.Key.Write).Sum(c => c.Value) / minutes;
            var writes = counts.Where(c => c.Key.Write).Sum(c => c.Value) / minutes;
            var streamCalls = counts.Where(c => c.Key.Container == StreamService.Container).Sum(c => c.Value) / minutes;
            var hostCalls = counts.Where(c => c.Key.Container != StreamService.Container).Sum(c => c.Value) / minutes;
            md.AppendLine(CultureInfo.InvariantCulture, $"| **all reads** | | read | {reads:F1} | {reads / options.Shards:F1} |")
              .AppendLine(CultureInfo.InvariantCulture, $"| **all writes** | | write | {writes:F1} | {writes / options.Shards:F1} |")
              .AppendLine()
              .AppendLine(CultureInfo.InvariantCulture, $"Stream reads (`{StreamService.Container}`: the shared tail listing of the stream, stream document refreshes, any shard reads): {streamCalls:F1}/min, {streamCalls / options.Shards:F1}/min per shard; the stream was listed {host.Streams.CountTailProbes(Stream) - probesBefore} times ({(host.Streams.CountTailProbes(Stream) - probesBefore) / minutes:F1}/min).")
              .AppendLine(CultureInfo.InvariantCulture, $"Lease and heartbeat calls (`platform-triggers`, per host and function, not per shard): {hostCalls:F1}/min, {hostCalls / options.Shards:F1}/min per shard at {options.Shards} shards.");
            return md.ToString();
        }
        finally
        {
            // The host disposed the counting store (and the store under it) with its services.
            Directory.Delete(folder, recursive: true);
        }
    }
}
