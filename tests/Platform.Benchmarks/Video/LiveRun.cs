using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Platform.Benchmarks.Video;

/// <summary>
/// One live stream into the host: latency from a frame sent over RTMP to its fragment listed in the live playlist,
/// then HLS serving throughput with wrk against a fragment and the live playlist.
/// </summary>
internal static partial class LiveRun
{
    public static async Task<string> RunAsync(VideoBenchOptions options, bool latency, bool serving, CancellationToken cancellationToken)
    {
        var md = new StringBuilder();
        var rows = new StringBuilder();
        var served = await RunOneAsync(options, latency ? rows : null, serving, cacheMilliseconds: 100, cancellationToken);
        if (latency)
        {
            // Again with the shortest live playlist cache the settings allow, to tell the cache's share from the pipeline's.
            await RunOneAsync(options, rows, serving: false, cacheMilliseconds: 50, cancellationToken);
            md.AppendLine("## Live latency")
                .AppendLine()
                .AppendLine($"One publisher of the 720p30 file (2 s GOPs) with `-progress pipe:1 -stats_period 0.05`: ffmpeg's written media time (`out_time_us`) gives when each media instant left ffmpeg (its first report at or past the instant, so up to 50 ms late: latencies here are up to 50 ms low). The benchmark polls `/hls/lat/live.m3u8` (through the output cache) every ~10 ms for {options.LatencySeconds} s and notes when each fragment first appears. Fragment k covers [S_k, E_k) of media time (consecutive EXTINFs from 0). Latency of its last frame = appearance − send time of E_k − 1/30 s; of its first frame = appearance − send time of S_k (includes waiting for the fragment to fill). Run twice: the default live playlist cache (`Platform:Video:Playback:LivePlaylistCacheMilliseconds` 100) and its minimum (50).")
                .AppendLine()
                .AppendLine("| playlist cache | frame | fragments | mean duration ms | p50 ms | p95 ms | target (first frame p95 ≤ duration + 150 ms) |")
                .AppendLine("|---|---|---|---|---|---|---|")
                .Append(rows)
                .AppendLine();
        }

        return md.Append(served).ToString();
    }

    private static async Task<string> RunOneAsync(VideoBenchOptions options, StringBuilder? latencyRows, bool serving, int cacheMilliseconds, CancellationToken cancellationToken)
    {
        var latency = latencyRows is not null;
        var file = await VideoBench.TestFileAsync(cancellationToken);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var (host, rtmpPort, folder) = await VideoBench.StartHostAsync(client, cancellationToken, new Dictionary<string, string>(options.HostEnvironment)
        {
            ["Platform__Video__Playback__LivePlaylistCacheMilliseconds"] = cacheMilliseconds.ToString(CultureInfo.InvariantCulture),
        });
        var md = new StringBuilder();
        try
        {
            var playlist = new Uri(host.BaseAddress, "hls/lat/live.m3u8");

            // ffmpeg reports how much media it has written to the connection every 50 ms (-progress): the send clock.
            var sent = new List<(long At, double Media)>();
            using var publisher = VideoBench.Publish(file, $"rtmp://127.0.0.1:{rtmpPort}/live/lat", "-progress", "pipe:1", "-stats_period", "0.05");
            publisher.Line += (line, at) =>
            {
                if (line.StartsWith("out_time_us=", StringComparison.Ordinal) && long.TryParse(line.AsSpan(12), NumberStyles.Integer, CultureInfo.InvariantCulture, out var us) && us >= 0)
                {
                    lock (sent)
                    {
                        sent.Add((at, us / 1e6));
                    }
                }
            };

            // Poll the live playlist as fast as it answers; note when each fragment first appears.
            var seen = new Dictionary<long, (long At, double Duration, string Uri)>();
            var watch = Stopwatch.StartNew();
            var pollSeconds = latency ? options.LatencySeconds : 10;
            while (watch.Elapsed.TotalSeconds < pollSeconds)
            {
                using var response = await client.GetAsync(playlist, cancellationToken);
                var at = Stopwatch.GetTimestamp();
                if (response.IsSuccessStatusCode)
                {
                    var text = await response.Content.ReadAsStringAsync(cancellationToken);
                    foreach (Match m in FragmentLine().Matches(text))
                    {
                        var number = long.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
                        seen.TryAdd(number, (at, double.Parse(m.Groups["d"].Value, CultureInfo.InvariantCulture), m.Groups["uri"].Value));
                    }
                }

                await Task.Delay(10, cancellationToken);
            }

            if (seen.Count < 3)
            {
                throw new InvalidOperationException($"only {seen.Count} fragments appeared in the live playlist: {publisher.Output}\n{host.Output}");
            }

            if (latency)
            {
                latencyRows!.Append(Latency(seen, sent, cacheMilliseconds));
            }

            if (serving)
            {
                var fragment = new Uri(playlist, seen.OrderBy(s => s.Key).Last().Value.Uri);
                md.AppendLine("## HLS serving (output cache)")
                    .AppendLine()
                    .AppendLine($"`wrk -t2 -c{options.WrkConnections} -d{options.WrkSeconds}s URL` on this machine (wrk shares the 2 cores with the host), one stream live.")
                    .AppendLine()
                    .AppendLine("| URL | requests/s | transfer/s | p50 / p99 latency |")
                    .AppendLine("|---|---|---|---|");
                var size = (await client.GetByteArrayAsync(fragment, cancellationToken)).Length;
                md.AppendLine(await WrkAsync($"one fragment ({size / 1024} KiB)", fragment, options, cancellationToken));
                md.AppendLine(await WrkAsync("live playlist", playlist, options, cancellationToken));
                md.AppendLine();
            }
        }
        finally
        {
            await host.DisposeAsync();
            VideoBench.DeleteFolder(folder);
        }

        return md.ToString();
    }

    private static string Latency(Dictionary<long, (long At, double Duration, string Uri)> seen, List<(long At, double Media)> sent, int cacheMilliseconds)
    {
        // Fragments of one session follow each other without gaps from media time 0 (the file starts with a keyframe):
        // fragment k spans [S_k, E_k), E_k = S_k + its EXTINF. Its last frame is sent when ffmpeg's written media
        // time first reaches E_k - 1 frame; its first frame at S_k.
        const double Frame = 1 / 30.0;
        var ordered = seen.OrderBy(s => s.Key).ToList();
        var lastFrame = new List<double>();
        var firstFrame = new List<double>();
        var start = 0.0;
        lock (sent)
        {
            foreach (var (_, (at, duration, _)) in ordered)
            {
                var end = start + duration;
                var lastSent = sent.FirstOrDefault(s => s.Media >= end - Frame);
                var firstSent = sent.FirstOrDefault(s => s.Media >= start);
                if (lastSent.At != 0 && firstSent.At != 0)
                {
                    lastFrame.Add(Stopwatch.GetElapsedTime(lastSent.At, at).TotalMilliseconds);
                    firstFrame.Add(Stopwatch.GetElapsedTime(firstSent.At, at).TotalMilliseconds);
                }

                start = end;
            }
        }

        var (l50, l95) = P50P95(lastFrame);
        var (f50, f95) = P50P95(firstFrame);
        var meanDuration = ordered.Average(o => o.Value.Duration) * 1000;
        var met = f95 <= meanDuration + 150 ? "met" : "missed";
        return new StringBuilder()
            .AppendLine($"| {cacheMilliseconds} ms | last frame of the fragment | {lastFrame.Count} | {VideoBench.F(meanDuration, "0")} | {VideoBench.F(l50, "0")} | {VideoBench.F(l95, "0")} | |")
            .AppendLine($"| {cacheMilliseconds} ms | first frame of the fragment | {firstFrame.Count} | {VideoBench.F(meanDuration, "0")} | {VideoBench.F(f50, "0")} | {VideoBench.F(f95, "0")} | {met} ({VideoBench.F(meanDuration + 150, "0")} ms) |")
            .ToString();
    }

    /// <summary>Nearest-rank percentiles, as the other benchmarks compute them.</summary>
    private static (double P50, double P95) P50P95(List<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return (double.NaN, double.NaN);
        }

        double At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return (At(0.50), At(0.95));
    }

    private static async Task<string> WrkAsync(string what, Uri url, VideoBenchOptions options, CancellationToken cancellationToken)
    {
        using var wrk = ChildProcess.Start("/usr/bin/wrk", ["-t2", $"-c{options.WrkConnections}", $"-d{options.WrkSeconds}s", "--latency", url.ToString()]);
        var exit = await wrk.WaitAsync(TimeSpan.FromSeconds(options.WrkSeconds + 30), cancellationToken);
        var output = wrk.Output;
        if (exit != 0)
        {
            throw new InvalidOperationException($"wrk failed: {output}");
        }

        string Find(Regex regex) => regex.Match(output) is { Success: true } m ? m.Groups[1].Value : "?";
        var non2xx = Find(Non2xx());
        return $"| {what} | {Find(RequestsPerSecond())}{(non2xx == "?" ? string.Empty : $" ({non2xx} non-2xx!)")} | {Find(TransferPerSecond())} | {Find(P50())} / {Find(P99())} |";
    }

    [GeneratedRegex(@"#EXTINF:(?<d>[0-9.]+),[^\n]*\n(?<uri>fragments/(?<n>[0-9]+)\.m4s[^\s]*)")]
    private static partial Regex FragmentLine();

    [GeneratedRegex(@"Requests/sec:\s*([0-9.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"Transfer/sec:\s*([0-9.]+\w+)")]
    private static partial Regex TransferPerSecond();

    [GeneratedRegex(@"\s50%\s+([0-9.]+\w+)")]
    private static partial Regex P50();

    [GeneratedRegex(@"\s99%\s+([0-9.]+\w+)")]
    private static partial Regex P99();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s*([0-9]+)")]
    private static partial Regex Non2xx();
}
