using System.Diagnostics;
using System.Text;
using Platform.Benchmarks.Video;
using Platform.Testing;

namespace Platform.Benchmarks.WebRtc;

/// <summary>
/// CPU per WHIP publisher session at 720p: N Chromium publishers into one host process; after a warm-up, utime+stime
/// of the host's process tree (from /proc) over a window, less the host's idle CPU, per session; Chromium's CPU beside
/// it (its own process trees) so it is clear what is ours. What Chromium actually sent (size, frame rate, bitrate,
/// packets) comes from its outbound-rtp statistics over the same window.
/// </summary>
internal static class WhipCpuRun
{
    private const int IdleSeconds = 8;

    public static async Task<string> RunAsync(WebRtcBenchOptions options, CancellationToken cancellationToken)
    {
        using var ns = TestNetworkNamespace.Create();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var (host, folder, baseUrl) = await WhipBench.StartHostAsync(ns, client, new Dictionary<string, string>(options.HostEnvironment));
        var md = new StringBuilder()
            .AppendLine("## CPU per WHIP publisher session (720p)")
            .AppendLine()
            .AppendLine($"N publishers (streams cpuN-K) into one host; {options.WarmupSeconds} s warm-up after every page reports `publishing`, then CPU over {options.WindowSeconds} s: utime+stime of the host's process tree and, apart, of the Chromium process trees, from /proc. The host's idle CPU ({IdleSeconds} s before any publisher) is subtracted. Sent figures are Chromium's `outbound-rtp` statistics over the window (sum over publishers).")
            .AppendLine()
            .AppendLine("| sessions | host CPU, % of one core (less idle) | **host per session, % of one core** | host µs per RTP packet | Chromium CPU per session, % of one core | sent per session: size, fps, kbit/s, packets/s | fragments stored in the window |")
            .AppendLine("|---|---|---|---|---|---|---|");
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
            var idleStart = ProcStat.CpuSeconds(host.ProcessId);
            await Task.Delay(TimeSpan.FromSeconds(IdleSeconds), cancellationToken);
            var idlePerSecond = (ProcStat.CpuSeconds(host.ProcessId) - idleStart) / IdleSeconds;
            foreach (var n in options.Sessions)
            {
                md.AppendLine(await MeasureAsync(ns, host, client, baseUrl, n, idlePerSecond, options, cancellationToken));
            }

            md.AppendLine()
                .AppendLine($"Host idle: {WhipBench.F(idlePerSecond * 100, "0.0")}% of a core. Chromium encodes H.264 in software (OpenH264) on the same 2 cores, so with several publishers it may not reach 30 fps; the per-packet figure is the one that carries over. The bitrate is what Chromium's loss-based estimate allows (no REMB/transport-cc negotiated).");
        }
        finally
        {
            await host.DisposeAsync();
            WhipBench.DeleteFolder(folder);
        }

        return md.ToString();
    }

    private static async Task<string> MeasureAsync(
        TestNetworkNamespace ns, HostProcess host, HttpClient client, string baseUrl, int n, double idlePerSecond, WebRtcBenchOptions options, CancellationToken cancellationToken)
    {
        var publishers = new List<ChromiumPublisher>();
        try
        {
            for (var k = 0; k < n; k++)
            {
                publishers.Add(ChromiumPublisher.Start(ns, WhipBench.PageUrl(baseUrl, $"cpu{n}-{k}", statsSeconds: 2)));
            }

            foreach (var publisher in publishers)
            {
                await publisher.WaitForAsync("publishing", TimeSpan.FromSeconds(60), cancellationToken);
            }

            await Task.Delay(TimeSpan.FromSeconds(options.WarmupSeconds), cancellationToken);
            var from = DateTimeOffset.UtcNow;
            var hostBefore = ProcStat.CpuSeconds(host.ProcessId);
            var chromiumBefore = publishers.Sum(p => ProcStat.CpuSeconds(p.ProcessId));
            var watch = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(options.WindowSeconds), cancellationToken);
            var seconds = watch.Elapsed.TotalSeconds;
            var hostCpu = ProcStat.CpuSeconds(host.ProcessId) - hostBefore;
            var chromiumCpu = publishers.Sum(p => ProcStat.CpuSeconds(p.ProcessId)) - chromiumBefore;
            var to = DateTimeOffset.UtcNow;
            await Task.Delay(TimeSpan.FromSeconds(2.5), cancellationToken); // the stats line after the window's end

            if (publishers.FirstOrDefault(p => p.HasExited) is { } gone)
            {
                throw new InvalidOperationException($"a publisher's Chromium exited during the window: {gone.Log}");
            }

            long packets = 0, bytes = 0, frames = 0;
            var sizes = new HashSet<string>();
            double statsSeconds = 0;
            foreach (var publisher in publishers)
            {
                var first = WhipBench.StatsAt(publisher, from);
                var last = WhipBench.StatsAt(publisher, to.AddSeconds(2.5));
                if (first is null || last is null || last.At <= first.At)
                {
                    continue;
                }

                packets += last.VideoPackets + last.AudioPackets - first.VideoPackets - first.AudioPackets;
                bytes += last.VideoBytes - first.VideoBytes;
                frames += last.FramesEncoded - first.FramesEncoded;
                statsSeconds = Math.Max(statsSeconds, (last.At - first.At).TotalSeconds);
                sizes.Add($"{last.Width}x{last.Height}");
            }

            var fragments = 0;
            for (var k = 0; k < n; k++)
            {
                fragments += (await WhipBench.ListFragmentsAsync(client, host.BaseAddress, $"cpu{n}-{k}", cancellationToken)).Count(f => f.Server >= from && f.Server <= to);
            }

            var ours = hostCpu - (idlePerSecond * seconds);
            var packetsPerSecond = statsSeconds > 0 ? packets / statsSeconds : double.NaN;
            var perPacketUs = ours / seconds / packetsPerSecond * 1e6;
            var sent = statsSeconds > 0
                ? $"{string.Join('/', sizes)}, {WhipBench.F(frames / statsSeconds / n, "0.0")} fps, {WhipBench.F(bytes * 8 / statsSeconds / n / 1000, "0")}, {WhipBench.F(packetsPerSecond / n, "0")}"
                : "no statistics";
            return $"| {n} | {WhipBench.F(ours / seconds * 100, "0.0")} | **{WhipBench.F(ours / seconds / n * 100)}** | {WhipBench.F(perPacketUs, "0.0")} | {WhipBench.F(chromiumCpu / seconds / n * 100, "0.0")} | {sent} | {fragments} |";
        }
        finally
        {
            foreach (var publisher in publishers)
            {
                await publisher.DisposeAsync();
            }

            // Their sessions end on the host's silence timeout (5 s here) before the next count starts.
            await Task.Delay(TimeSpan.FromSeconds(7), cancellationToken);
        }
    }
}
