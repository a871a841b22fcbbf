using System.Diagnostics;
using System.Text;

namespace Platform.Benchmarks.Video;

/// <summary>
/// CPU per ingested stream: N looping <c>-c copy</c> publishers of the 720p30 file into our host, then the same into
/// nginx-rtmp doing RTMP to HLS; CPU time of the server process tree (utime + stime from /proc) over a fixed window
/// after a warm-up. Also the host's resident memory with the streams live against before.
/// </summary>
internal static class CpuRun
{
    private const int IdleSeconds = 8;

    public static async Task<string> RunAsync(VideoBenchOptions options, CancellationToken cancellationToken)
    {
        var file = await VideoBench.TestFileAsync(cancellationToken);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        // Both servers run for the whole part; each round publishes into ours, then into nginx, so the load other work
        // puts on the machine affects both sides of a round alike.
        var (host, rtmpPort, folder) = await VideoBench.StartHostAsync(client, cancellationToken, new Dictionary<string, string>(options.HostEnvironment));
        var rounds = new List<(double Ours, double Nginx)>();
        double idleCpu;
        long rssBefore;
        long rssDuring = 0;
        var hostFragments = 0;
        var nginxFragments = 0;
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken); // start-up work settles
            rssBefore = ProcStat.RssBytes(host.ProcessId);
            var idleStart = ProcStat.CpuSeconds(host.ProcessId);
            await Task.Delay(TimeSpan.FromSeconds(IdleSeconds), cancellationToken);
            idleCpu = (ProcStat.CpuSeconds(host.ProcessId) - idleStart) / IdleSeconds * options.WindowSeconds;

            using var nginx = NginxRtmp.Start();
            await VideoBench.WaitForPortAsync(nginx.Port, TimeSpan.FromSeconds(10), cancellationToken);
            for (var round = 0; round < options.Rounds; round++)
            {
                // The first round's warm-up also covers tiered JIT compilation of our ingest path; later ones only let
                // the publishers connect and settle.
                var warmup = round == 0 ? options.WarmupSeconds : Math.Min(options.WarmupSeconds, 10);
                var ours = await MeasureAsync(host.ProcessId, i => $"rtmp://127.0.0.1:{rtmpPort}/live/cam{i}", file, options, warmup, cancellationToken);
                if (round == 0)
                {
                    rssDuring = ProcStat.RssBytes(host.ProcessId);
                }

                var theirs = await MeasureAsync(nginx.ProcessId, i => $"rtmp://127.0.0.1:{nginx.Port}/live/cam{i}", file, options, warmup, cancellationToken);
                rounds.Add((ours, theirs));
                Console.WriteLine($"cpu round {round + 1}: ours {F(ours / options.WindowSeconds * 100)}% nginx {F(theirs / options.WindowSeconds * 100)}% of a core, ratio {F(ours / Math.Max(theirs, 1e-9))}");
            }

            nginxFragments = Directory.EnumerateFiles(nginx.HlsPath, "*.ts").Count();
            for (var i = 0; i < options.Publishers; i++)
            {
                hostFragments += await CountFragmentsAsync(client, host.BaseAddress, $"cam{i}", cancellationToken);
            }
        }
        finally
        {
            await host.DisposeAsync();
            VideoBench.DeleteFolder(folder);
        }

        var n = options.Publishers;
        var oursCpu = rounds.Sum(r => r.Ours) / rounds.Count;
        var nginxCpu = rounds.Sum(r => r.Nginx) / rounds.Count;
        var ratios = rounds.Select(r => r.Ours / Math.Max(r.Nginx, 1e-9)).Order().ToList();
        var median = ratios.Count % 2 == 1 ? ratios[ratios.Count / 2] : (ratios[(ratios.Count / 2) - 1] + ratios[ratios.Count / 2]) / 2;
        double PerStream(double cpuSeconds) => cpuSeconds / options.WindowSeconds / n * 100;
        var text = new StringBuilder()
            .AppendLine("## CPU per ingested stream")
            .AppendLine()
            .AppendLine($"{n} publishers of the 720p30 2.5 Mbit/s file (`ffmpeg -re -stream_loop -1 -i test.flv -c copy -f flv rtmp://…/live/camN`), {options.WarmupSeconds} s warm-up, then CPU (utime+stime of the server's process tree from /proc) over {options.WindowSeconds} s; {options.Rounds} round(s), each ours then nginx (later rounds warm up {Math.Min(options.WarmupSeconds, 10)} s). nginx: `libnginx-mod-rtmp`, 1 worker, `live on; hls on; hls_fragment 2s;`. Figures are means over the rounds.")
            .AppendLine(options.HostEnvironment.Count == 0 ? string.Empty : $"Host environment: `{string.Join(' ', options.HostEnvironment.Select(kv => $"{kv.Key}={kv.Value}"))}`.")
            .AppendLine()
            .AppendLine("| server | CPU total (% of one core) | per stream (% of one core) | fragments written |")
            .AppendLine("|---|---|---|---|")
            .AppendLine($"| Platform host | {F(oursCpu / options.WindowSeconds * 100, "0.0")} | {F(PerStream(oursCpu))} | {hostFragments} listed by ListFragments |")
            .AppendLine($"| Platform host, less its idle CPU ({F(idleCpu / options.WindowSeconds * 100, "0.0")}% of a core with no stream, measured over {IdleSeconds} s before) | {F((oursCpu - idleCpu) / options.WindowSeconds * 100, "0.0")} | {F(PerStream(oursCpu - idleCpu))} | |")
            .AppendLine($"| nginx-rtmp (RTMP→HLS) | {F(nginxCpu / options.WindowSeconds * 100, "0.0")} | {F(PerStream(nginxCpu))} | {nginxFragments} .ts in hls_path at the end |")
            .AppendLine()
            .AppendLine($"Ratio ours / nginx per stream: **{F(oursCpu / Math.Max(nginxCpu, 1e-9))}** (target ≤ 1)" + (rounds.Count > 1 ? $"; per round {string.Join(", ", rounds.Select(r => F(r.Ours / Math.Max(r.Nginx, 1e-9))))}, median {F(median)}." : "."))
            .AppendLine()
            .AppendLine($"Memory per live stream: host RSS {VideoBench.Mb(rssBefore)} MB idle → {VideoBench.Mb(rssDuring)} MB with {n} streams live: **{VideoBench.Mb((rssDuring - rssBefore) / n)} MB per stream** (includes the live window of {10} fragments per stream in memory and GC headroom).");
        return text.ToString();
    }

    private static string F(double value, string format = "0.00") => VideoBench.F(value, format);

    private static async Task<int> CountFragmentsAsync(HttpClient client, Uri host, string stream, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var body = System.Text.Json.JsonSerializer.Serialize(new
        {
            StreamName = stream,
            MaxResults = 1000,
            FragmentSelector = new { FragmentSelectorType = "SERVER_TIMESTAMP", TimestampRange = new { StartTimestamp = now - 3600, EndTimestamp = now + 60 } },
        });
        using var response = await client.PostAsync(new Uri(host, "listFragments"), new StringContent(body, System.Text.Encoding.UTF8, "application/json"), cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"listFragments {stream}: {(int)response.StatusCode} {text}");
        }

        using var json = System.Text.Json.JsonDocument.Parse(text);
        return json.RootElement.GetProperty("Fragments").GetArrayLength();
    }

    private static async Task<double> MeasureAsync(int serverPid, Func<int, string> url, string file, VideoBenchOptions options, int warmupSeconds, CancellationToken cancellationToken)
    {
        var publishers = new List<ChildProcess>();
        try
        {
            for (var i = 0; i < options.Publishers; i++)
            {
                publishers.Add(VideoBench.Publish(file, url(i)));
            }

            await Task.Delay(TimeSpan.FromSeconds(warmupSeconds), cancellationToken);
            var failed = publishers.Where(p => p.HasExited).ToList();
            if (failed.Count > 0)
            {
                throw new InvalidOperationException($"{failed.Count} publishers stopped during the warm-up: {failed[0].Output}");
            }

            var before = ProcStat.CpuSeconds(serverPid);
            var watch = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(options.WindowSeconds), cancellationToken);
            var cpu = ProcStat.CpuSeconds(serverPid) - before;
            failed = publishers.Where(p => p.HasExited).ToList();
            if (failed.Count > 0)
            {
                throw new InvalidOperationException($"{failed.Count} publishers stopped during the window: {failed[0].Output}");
            }

            return cpu * options.WindowSeconds / watch.Elapsed.TotalSeconds;
        }
        finally
        {
            foreach (var publisher in publishers)
            {
                publisher.Dispose();
            }
        }
    }
}
