using System.Diagnostics;
using System.Globalization;
using System.Text;
using Platform.Streams.Control;
using Platform.Streams.Service;

namespace Platform.Benchmarks.Functions;

/// <summary>
/// Records/s delivered to a no-op function from a backlog: N records of 100 bytes written straight through the stream
/// service (in this process, for speed), then the trigger host started and timed until the function has seen them
/// all; once with batches of 10,000 and once, from the same backlog under another function name, with 100.
/// </summary>
internal static class BacklogRun
{
    private const string Stream = "backlog";
    private const int PutBatch = 500;
    private const int Writers = 4;

    public static async Task<string> RunAsync(FunctionsBenchOptions options, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("platform-bench-functions-").FullName;
        var md = new StringBuilder()
            .AppendLine("## Backlog to a no-op function (embedded backend, one host)")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"{options.Records:N0} records of {options.RecordSize} B on {options.Shards} shards, written through `StreamService.PutRecordsAsync` in this process before the triggers start; the time runs from starting the trigger host (first lease round included) until the function has counted every record. Default host settings (checkpoints every 1 s).")
            .AppendLine();
        try
        {
            double writeSeconds;
            await using (var host = await BenchTriggerHost.CreateAsync(folder, typeof(NoOpLargeBatches), Settings()))
            {
                writeSeconds = await FillAsync(host.Streams, options, cancellationToken);
                Console.WriteLine($"backlog: wrote {options.Records:N0} records in {writeSeconds:F1} s");
                md.AppendLine(CultureInfo.InvariantCulture, $"Writing the backlog took {writeSeconds:F1} s ({options.Records / writeSeconds:N0} records/s).")
                    .AppendLine()
                    .AppendLine("| function batch size | invocations | seconds | first invocation after s | records/s | records/s after the first invocation | MB/s | process CPU s per million records |")
                    .AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
                md.AppendLine(await DrainAsync(host, 10_000, options, cancellationToken));
            }

            await using (var host = await BenchTriggerHost.CreateAsync(folder, typeof(NoOpDefaultBatches), Settings()))
            {
                md.AppendLine(await DrainAsync(host, 100, options, cancellationToken));
            }

            // The stream read path alone, for comparison: what the trigger could get at most from GetRecords.
            await using (var host = await BenchTriggerHost.CreateAsync(folder, typeof(NoOpDefaultBatches), Settings()))
            {
                md.AppendLine(await ReadRawAsync(host, options, cancellationToken));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        return md.ToString();
    }

    private static Dictionary<string, string?> Settings() => new() { ["Bench:Stream"] = Stream };

    private static async Task<double> FillAsync(StreamService streams, FunctionsBenchOptions options, CancellationToken cancellationToken)
    {
        await streams.CreateStreamAsync(Stream, options.Shards, null, cancellationToken);
        while ((await streams.DescribeAsync(Stream, cancellationToken)).Status != StreamStatus.Active)
        {
            await Task.Delay(20, cancellationToken);
        }

        var clock = Stopwatch.StartNew();
        var next = 0L;
        var data = new byte[options.RecordSize];
        Random.Shared.NextBytes(data);
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            var batch = new PutRecordInput[PutBatch];
            while (true)
            {
                var start = Interlocked.Add(ref next, PutBatch) - PutBatch;
                if (start >= options.Records)
                {
                    return;
                }

                var count = (int)Math.Min(PutBatch, options.Records - start);
                for (var i = 0; i < count; i++)
                {
                    batch[i] = new PutRecordInput("k" + ((start + i) % 4096).ToString(CultureInfo.InvariantCulture), null, data);
                }

                var outcomes = await streams.PutRecordsAsync(Stream, count == PutBatch ? batch : batch[..count], cancellationToken);
                if (outcomes.FirstOrDefault(o => !o.Succeeded) is { ErrorCode: not null } failed)
                {
                    throw new InvalidOperationException($"Writing the backlog failed: {failed.ErrorCode} {failed.ErrorMessage}");
                }
            }
        }, cancellationToken)));
        return clock.Elapsed.TotalSeconds;
    }

    private static async Task<string> ReadRawAsync(BenchTriggerHost host, FunctionsBenchOptions options, CancellationToken cancellationToken)
    {
        var streams = host.Streams;
        var shards = (await streams.DescribeAsync(Stream, cancellationToken)).Shards;
        var total = 0L;
        var calls = 0L;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(shards.Select(shard => Task.Run(async () =>
        {
            var iterator = await streams.GetShardIteratorAsync(Stream, shard.ShardId, IteratorType.TrimHorizon, null, null, cancellationToken);
            while (iterator is not null)
            {
                var result = await streams.GetRecordsAsync(iterator, StreamService.MaxGetRecordsLimit, cancellationToken);
                Interlocked.Increment(ref calls);
                if (result.Records.Count == 0)
                {
                    return;
                }

                Interlocked.Add(ref total, result.Records.Count);
                iterator = result.NextShardIterator;
            }
        }, cancellationToken)));
        var seconds = clock.Elapsed.TotalSeconds;
        var cpuPerMillion = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds / (total / 1_000_000.0);
        Console.WriteLine($"backlog: raw GetRecords: {total:N0} records in {seconds:F2} s");
        return string.Create(CultureInfo.InvariantCulture,
            $"| GetRecords alone (no trigger), limit 10,000, all shards at once | {calls:N0} calls | {seconds:F2} | — | {total / seconds:N0} | — | {total * options.RecordSize / seconds / 1_000_000:F1} | {cpuPerMillion:F2} |");
    }

    private static async Task<string> DrainAsync(BenchTriggerHost host, int batchSize, FunctionsBenchOptions options, CancellationToken cancellationToken)
    {
        var timeout = TimeSpan.FromSeconds(120 + (options.Records / 5_000.0));
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await host.StartAsync(cancellationToken);
        var first = TimeSpan.Zero;
        while (host.Sink.Delivered < options.Records)
        {
            if (first == TimeSpan.Zero && host.Sink.Delivered > 0)
            {
                first = clock.Elapsed;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"The batch-size-{batchSize} function saw {host.Sink.Delivered:N0} of {options.Records:N0} records in {timeout}.");
            }

            await Task.Delay(5, cancellationToken);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var cpuPerMillion = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds / (options.Records / 1_000_000.0);
        var invocations = host.Sink.Invocations;
        Console.WriteLine($"backlog: batch size {batchSize}: {options.Records:N0} records in {seconds:F2} s");
        return string.Create(CultureInfo.InvariantCulture,
            $"| {batchSize:N0} | {invocations:N0} | {seconds:F2} | {first.TotalSeconds:F2} | {options.Records / seconds:N0} | {options.Records / (seconds - first.TotalSeconds):N0} | {options.Records * options.RecordSize / seconds / 1_000_000:F1} | {cpuPerMillion:F2} |");
    }
}
