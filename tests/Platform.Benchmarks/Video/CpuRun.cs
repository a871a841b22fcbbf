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

        // Ours.
        var (host, rtmpPort, folder) = await VideoBench.StartHostAsync(client, cancellationToken, new Dictionary<string, string>(options.HostEnvironment));
        double oursCpu;
        double idleCpu;
        long rssBefore;
        long rssDuring;
        int hostFragments;
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken); // start-up work settles
            rssBefore = ProcStat.RssBytes(host.ProcessId);
            var idleStart = ProcStat.CpuSeconds(host.ProcessId);
            await Task.Delay(TimeSpan.FromSeconds(IdleSeconds), cancellationToken);
            idleCpu = (ProcStat.CpuSeconds(host.ProcessId) - idleStart) / IdleSeconds * options.WindowSeconds;
            oursCpu = await MeasureAsync(host.ProcessId, i => $"rtmp://127.0.0.1:{rtmpPort}/live/cam{i}", file, options, cancellationToken);
            rssDuring = ProcStat.RssBytes(host.ProcessId);
            hostFragments = 0;
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

        // nginx-rtmp on the same input.
        double nginxCpu;
        int nginxFragments;
        using (var nginx = NginxRtmp.Start())
        {
            await VideoBench.WaitForPortAsync(nginx.Port, TimeSpan.FromSeconds(10), cancellationToken);
            nginxCpu = await MeasureAsync(nginx.ProcessId, i => $"rtmp://127.0.0.1:{nginx.Port}/live/cam{i}", file, options, cancellationToken);
            nginxFragments = Directory.EnumerateFiles(nginx.HlsPath, "*.ts").Count();
        }

        var n = options.Publishers;
        double PerStream(double cpuSeconds) => cpuSeconds / options.WindowSeconds / n * 100;
        return new StringBuilder()
            .AppendLine("## CPU per ingested stream")
            .AppendLine()
            .AppendLine($"{n} publishers of the 720p30 2.5 Mbit/s file (`ffmpeg -re -stream_loop -1 -i test.flv -c copy -f flv rtmp://…/live/camN`), {options.WarmupSeconds} s warm-up, then CPU (utime+stime of the server's process tree from /proc) over {options.WindowSeconds} s. nginx: `libnginx-mod-rtmp`, 1 worker, `live on; hls on; hls_fragment 2s;`.")
            .AppendLine(options.HostEnvironment.Count == 0 ? string.Empty : $"Host environment: `{string.Join(' ', options.HostEnvironment.Select(kv => $"{kv.Key}={kv.Value}"))}`.")
            .AppendLine()
            .AppendLine("| server | CPU total (% of one core) | per stream (% of one core) | fragments written |")
            .AppendLine("|---|---|---|---|")
            .AppendLine($"| Platform host | {VideoBench.F(oursCpu / options.WindowSeconds * 100, "0.0")} | {VideoBench.F(PerStream(oursCpu))} | {hostFragments} listed by ListFragments |")
            .AppendLine($"| Platform host, less its idle CPU ({VideoBench.F(idleCpu / options.WindowSeconds * 100, "0.0")}% of a core with no stream, measured over {IdleSeconds} s before) | {VideoBench.F((oursCpu - idleCpu) / options.WindowSeconds * 100, "0.0")} | {VideoBench.F(PerStream(oursCpu - idleCpu))} | |")
            .AppendLine($"| nginx-rtmp (RTMP→HLS) | {VideoBench.F(nginxCpu / options.WindowSeconds * 100, "0.0")} | {VideoBench.F(PerStream(nginxCpu))} | {nginxFragments} .ts in hls_path at the end |")
            .AppendLine()
            .AppendLine($"Ratio ours / nginx per stream: **{VideoBench.F(oursCpu / Math.Max(nginxCpu, 1e-9))}** (target ≤ 1).")
            .AppendLine()
            .AppendLine($"Memory per live stream: host RSS {VideoBench.Mb(rssBefore)} MB idle → {VideoBench.Mb(rssDuring)} MB with {n} streams live: **{VideoBench.Mb((rssDuring - rssBefore) / n)} MB per stream** (includes the live window of {10} fragments per stream in memory and GC headroom).")
            .ToString();
    }

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

    private static async Task<double> MeasureAsync(int serverPid, Func<int, string> url, string file, VideoBenchOptions options, CancellationToken cancellationToken)
    {
        var publishers = new List<ChildProcess>();
        try
        {
            for (var i = 0; i < options.Publishers; i++)
            {
                publishers.Add(VideoBench.Publish(file, url(i)));
            }

            await Task.Delay(TimeSpan.FromSeconds(options.WarmupSeconds), cancellationToken);
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
