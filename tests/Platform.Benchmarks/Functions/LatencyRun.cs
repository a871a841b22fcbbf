using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Platform.Streams.Client;
using Platform.Streams.Client.Auth;
using Platform.Streams.Client.Model;
using Platform.Testing;

namespace Platform.Benchmarks.Functions;

/// <summary>
/// Put-to-invoke latency: one record at a time at a modest rate, the function noting when each arrives. In one host
/// (the writer wakes the trigger at once) and across two host processes on Azurite (the function's host polls).
/// </summary>
internal static class LatencyRun
{
    public static async Task<string> InProcessAsync(FunctionsBenchOptions options, CancellationToken cancellationToken)
    {
        const string stream = "latency";
        var folder = Directory.CreateTempSubdirectory("platform-bench-latency-").FullName;
        try
        {
            await using var host = await BenchTriggerHost.CreateAsync(folder, typeof(PutToInvoke), new Dictionary<string, string?> { ["Bench:Stream"] = stream });
            await host.Streams.CreateStreamAsync(stream, 1, null, cancellationToken);
            while ((await host.Streams.DescribeAsync(stream, cancellationToken)).Status != Platform.Streams.Control.StreamStatus.Active)
            {
                await Task.Delay(20, cancellationToken);
            }

            await host.StartAsync(cancellationToken);
            var data = new byte[8];
            async Task PutAsync()
            {
                BinaryPrimitives.WriteInt64LittleEndian(data, Stopwatch.GetTimestamp());
                var outcome = await host.Streams.PutRecordAsync(stream, new Platform.Streams.Service.PutRecordInput("k", null, data), cancellationToken);
                if (!outcome.Succeeded)
                {
                    throw new InvalidOperationException($"Put failed: {outcome.ErrorCode} {outcome.ErrorMessage}");
                }
            }

            // Warm up until the shard is claimed and the first records come through.
            var warm = Stopwatch.StartNew();
            while (host.Sink.Delivered == 0)
            {
                await PutAsync();
                await Task.Delay(100, cancellationToken);
                if (warm.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new TimeoutException("The function was never invoked.");
                }
            }

            await Task.Delay(500, cancellationToken);
            var before = host.Sink.Delivered;
            host.Sink.Latencies.Clear();
            await PaceAsync(options, PutAsync, cancellationToken);
            await WaitAsync(() => host.Sink.Delivered - before >= options.LatencyRecords, TimeSpan.FromSeconds(30), "the function to see every record", cancellationToken);
            var (p50, p99, max) = Percentiles.Of(host.Sink.Latencies.Select(t => t * 1000.0 / Stopwatch.Frequency));
            return new StringBuilder()
                .AppendLine("## Put-to-invoke latency in one host (embedded backend)")
                .AppendLine()
                .AppendLine(CultureInfo.InvariantCulture, $"{options.LatencyRecords:N0} single-record `StreamService.PutRecordAsync` calls at {options.LatencyRate:0} a second on a 1-shard stream; a function with MaximumBatchingWindowInSeconds 0 notes `Stopwatch` time minus the put time carried in the record (taken just before the put).")
                .AppendLine()
                .AppendLine("| records | p50 ms | p99 ms | max ms |")
                .AppendLine("|---:|---:|---:|---:|")
                .AppendLine(CultureInfo.InvariantCulture, $"| {host.Sink.Latencies.Count:N0} | {p50:F2} | {p99:F2} | {max:F2} |")
                .ToString();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public static async Task<string> AcrossHostsAsync(FunctionsBenchOptions options, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("platform-bench-latency2-").FullName;
        var stream = "latency-" + Guid.NewGuid().ToString("N")[..8];
        var probe = Path.Combine(folder, "probe.log");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        await using var azurite = await AzuriteServer.StartAsync(cancellationToken);
        Dictionary<string, string> Settings(string name, string latencyStream) => new()
        {
            ["Platform__Storage__Backend"] = "AzureBlob",
            ["Platform__Storage__ConnectionString"] = azurite.ConnectionString,
            ["Probe__Host"] = name,
            ["Probe__File"] = probe,
            ["Probe__Stream"] = "unused-" + name.ToLowerInvariant(),
            ["Latency__Stream"] = latencyStream,
            ["Logging__LogLevel__Default"] = "Warning",
        };

        HostProcess? writer = null;
        HostProcess? consumer = null;
        try
        {
            // The writer runs its own Latency function on a stream nobody writes, so only the other host invokes this one.
            writer = TestFunctionsProcess.Start(Directory.CreateDirectory(Path.Combine(folder, "writer")).FullName, Settings("writer", "unused-latency"));
            consumer = TestFunctionsProcess.Start(Directory.CreateDirectory(Path.Combine(folder, "consumer")).FullName, Settings("consumer", stream));
            await Task.WhenAll(writer.WaitUntilHealthyAsync(http, TimeSpan.FromSeconds(60)), consumer.WaitUntilHealthyAsync(http, TimeSpan.FromSeconds(60)));
            var client = new KinesisClient(http, writer.BaseAddress, new AwsCredentials("AKIDBENCH", "bench-secret"));
            await client.CreateStreamAsync(new CreateStreamRequest { StreamName = stream, ShardCount = 1 }, cancellationToken);
            await WaitAsync(async () => (await client.DescribeStreamSummaryAsync(new DescribeStreamSummaryRequest { StreamName = stream }, cancellationToken)).StreamDescriptionSummary.StreamStatus == StreamStatus.Active,
                TimeSpan.FromSeconds(30), "the stream to become ACTIVE", cancellationToken);

            Task PutAsync() => client.PutRecordAsync(new PutRecordRequest { StreamName = stream, PartitionKey = "k", Data = Encoding.ASCII.GetBytes(DateTime.UtcNow.Ticks.ToString(CultureInfo.InvariantCulture)) }, cancellationToken);
            await WaitAsync(async () =>
            {
                await PutAsync();
                await Task.Delay(200, cancellationToken);
                return ReadLatencies(probe).Count > 0;
            }, TimeSpan.FromSeconds(60), "the consumer host to invoke the function", cancellationToken);
            await Task.Delay(1500, cancellationToken);
            var skip = ReadLatencies(probe).Count;
            await PaceAsync(options, PutAsync, cancellationToken);
            await WaitAsync(() => Task.FromResult(ReadLatencies(probe).Count - skip >= options.LatencyRecords), TimeSpan.FromSeconds(30), "the function to see every record", cancellationToken);
            var latencies = ReadLatencies(probe).Skip(skip).ToList();
            var (p50, p99, max) = Percentiles.Of(latencies);
            return new StringBuilder()
                .AppendLine("## Put-to-invoke latency across two hosts (Azurite)")
                .AppendLine()
                .AppendLine(CultureInfo.InvariantCulture, $"Two TestFunctions host processes on one Azurite account, default polling (pollIntervalMilliseconds 250 while the stream is active, backing off to idlePollIntervalMilliseconds 10,000 when idle). {options.LatencyRecords:N0} single-record PutRecord calls through the Kinesis API of the writer host at {options.LatencyRate:0} a second on a 1-shard stream; the function runs in the other host and notes wall-clock time minus the put time in the record (taken just before the request).")
                .AppendLine()
                .AppendLine("| records | p50 ms | p99 ms | max ms |")
                .AppendLine("|---:|---:|---:|---:|")
                .AppendLine(CultureInfo.InvariantCulture, $"| {latencies.Count:N0} | {p50:F1} | {p99:F1} | {max:F1} |")
                .ToString();
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\n--- writer ---\n{writer?.Output}\n--- consumer ---\n{consumer?.Output}", e);
        }
        finally
        {
            foreach (var host in new[] { consumer, writer })
            {
                if (host is not null)
                {
                    await host.DisposeAsync();
                }
            }

            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Milliseconds from put to invocation, from the probe file's LATENCY lines (microseconds each).</summary>
    private static List<double> ReadLatencies(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        var values = new List<double>();
        foreach (var line in text.Split('\n'))
        {
            var parts = line.Split(' ');
            if (parts is ["LATENCY", _, _, var list])
            {
                values.AddRange(list.Split(',').Select(v => long.Parse(v, CultureInfo.InvariantCulture) / 1000.0));
            }
        }

        return values;
    }

    private static async Task PaceAsync(FunctionsBenchOptions options, Func<Task> put, CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromSeconds(1 / options.LatencyRate);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < options.LatencyRecords; i++)
        {
            var due = interval * i;
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed, cancellationToken);
            }

            await put();
        }
    }

    private static Task WaitAsync(Func<bool> condition, TimeSpan timeout, string what, CancellationToken cancellationToken) =>
        WaitAsync(() => Task.FromResult(condition()), timeout, what, cancellationToken);

    private static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Timed out after {timeout} waiting for {what}.");
            }

            await Task.Delay(10, cancellationToken);
        }
    }
}
