using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Platform.Storage;
using Platform.Storage.Embedded;
using Platform.Video.Hosting;
using Platform.Video.Store;
using Platform.Video.Streams;

namespace Platform.Benchmarks.Video;

/// <summary>
/// ListFragments over 7 days of 2-second fragments (302,400 index entries) on the embedded backend: the stream and its
/// hour index blobs are written in-process with the store's own record codec (publishing a week is not possible), then
/// the host process answers <c>POST /listFragments</c> over HTTP and the latency of each call is recorded.
/// </summary>
internal static class ListFragmentsRun
{
    private const int PerHour = 1800;

    public static async Task<string> RunAsync(VideoBenchOptions options, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("bench-video-list-").FullName;
        try
        {
            var now = DateTimeOffset.UtcNow;
            var hourNow = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);
            var first = hourNow.AddDays(-options.ListDays);
            var writeWatch = Stopwatch.StartNew();
            var entries = await WriteWeekAsync(Path.Combine(folder, "data"), first, options.ListDays * 24, cancellationToken);
            var writeSeconds = writeWatch.Elapsed.TotalSeconds;

            await using var host = Platform.Testing.HostProcess.Start(folder, new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" });
            using (var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
            {
                await host.WaitUntilHealthyAsync(probe, TimeSpan.FromSeconds(60));
            }

            using var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

            var span = hourNow - first;
            var random = new Random(7);
            DateTimeOffset At(double fraction) => first + TimeSpan.FromTicks((long)(span.Ticks * fraction));

            var (coldMs, coldCount) = await ListAsync(client, first, hourNow, 1000, cancellationToken);
            var queries = new (string Name, Func<(DateTimeOffset From, DateTimeOffset To)> Range, int Max)[]
            {
                ("random 1-minute window (≈30 fragments)", () => { var f = At(random.NextDouble() * 0.99); return (f, f.AddMinutes(1)); }, 100),
                ("random 1-hour window, first page of 1000", () => { var f = At(random.NextDouble() * 0.99); return (f, f.AddHours(1)); }, 1000),
                ("whole 7 days, first page of 1000", () => (first, hourNow), 1000),
                ("whole 7 days, first page of 100 (the default)", () => (first, hourNow), 100),
            };

            var md = new StringBuilder()
                .AppendLine("## ListFragments over 7 days of 2-second fragments (embedded)")
                .AppendLine()
                .AppendLine($"{entries:N0} index entries ({options.ListDays * 24} hour blobs of {PerHour}) written in-process with `FragmentIndexCodec` through `EmbeddedBlobStore` in {VideoBench.F(writeSeconds, "0.0")} s; then the host process answers `POST /listFragments` (SERVER_TIMESTAMP) over HTTP on loopback, {options.ListQueries} calls per query, one at a time. The first call of the run (whole week, loads every hour's index from disk): {VideoBench.F(coldMs, "0")} ms, {coldCount} fragments.")
                .AppendLine()
                .AppendLine("| query | fragments per answer | p50 ms | p99 ms | max ms |")
                .AppendLine("|---|---|---|---|---|");
            foreach (var (name, range, max) in queries)
            {
                var times = new List<double>();
                var counts = 0L;
                for (var i = 0; i < options.ListQueries; i++)
                {
                    var (from, to) = range();
                    var (ms, count) = await ListAsync(client, from, to, max, cancellationToken);
                    times.Add(ms);
                    counts += count;
                }

                times.Sort();
                double P(double p) => times[Math.Clamp((int)Math.Ceiling(p * times.Count) - 1, 0, times.Count - 1)];
                md.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {counts / options.ListQueries} | {VideoBench.F(P(0.5))} | {VideoBench.F(P(0.99))} | {VideoBench.F(times[^1])} |");
            }

            return md.AppendLine().AppendLine("Target: p99 under 50 ms.").AppendLine().ToString();
        }
        finally
        {
            VideoBench.DeleteFolder(folder);
        }
    }

    private static async Task<(double Ms, int Count)> ListAsync(HttpClient client, DateTimeOffset from, DateTimeOffset to, int max, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(new
        {
            StreamName = "week",
            MaxResults = max,
            FragmentSelector = new
            {
                FragmentSelectorType = "SERVER_TIMESTAMP",
                TimestampRange = new { StartTimestamp = from.ToUnixTimeMilliseconds() / 1000.0, EndTimestamp = to.ToUnixTimeMilliseconds() / 1000.0 },
            },
        });
        var watch = Stopwatch.StartNew();
        using var response = await client.PostAsync(new Uri("listFragments", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"), cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var ms = watch.Elapsed.TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"listFragments answered {(int)response.StatusCode}: {text}");
        }

        using var json = JsonDocument.Parse(text);
        return (ms, json.RootElement.GetProperty("Fragments").GetArrayLength());
    }

    /// <summary>The stream "week" and one index blob per hour, as a publisher would have left them (without the fragments' bytes).</summary>
    private static async Task<long> WriteWeekAsync(string dataPath, DateTimeOffset first, int hours, CancellationToken cancellationToken)
    {
        using var store = EmbeddedBlobStore.Open(new EmbeddedBlobStoreOptions { DataPath = dataPath });
        await store.CreateContainerIfNotExistsAsync(VideoStreamCatalog.Container, cancellationToken);
        var catalog = new VideoStreamCatalog(store, new VideoOptions(), TimeProvider.System);
        await catalog.CreateAsync(new CreateVideoStreamRequest("week") { DataRetentionInHours = (hours / 24 + 2) * 24, WarmAfter = TimeSpan.FromDays(30) }, cancellationToken);
        var stream = await catalog.GetDocumentAsync("week", fresh: true, cancellationToken) ?? throw new InvalidOperationException("the stream was not created");

        var session = first.ToUnixTimeMilliseconds() * 1000;
        var buffer = new byte[PerHour * FragmentIndexCodec.RecordSize];
        long written = 0;
        for (var h = 0; h < hours; h++)
        {
            var hour = first.AddHours(h);
            for (var i = 0; i < PerHour; i++)
            {
                var server = hour.AddSeconds(2 * i);
                var entry = new FragmentIndexEntry(
                    server.ToUnixTimeMilliseconds() * 1000,
                    server.AddSeconds(-3).UtcTicks,
                    server.UtcTicks,
                    TimeSpan.TicksPerSecond * 2,
                    500_000,
                    session,
                    0,
                    h == 0 && i == 0);
                FragmentIndexCodec.Write(buffer.AsSpan(i * FragmentIndexCodec.RecordSize, FragmentIndexCodec.RecordSize), entry);
            }

            // The layout of docs/video-store.md: data/{name}/{incarnation}/index/{yyyyMMddHH}.
            var path = new BlobPath(VideoStreamCatalog.Container, $"data/{stream.Name}/{stream.Incarnation}/index/{hour.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture)}");
            await store.CreateAppendBlobAsync(path, cancellationToken: cancellationToken);
            await store.AppendBlockAsync(path, buffer, cancellationToken: cancellationToken);
            written += PerHour;
        }

        return written;
    }
}
