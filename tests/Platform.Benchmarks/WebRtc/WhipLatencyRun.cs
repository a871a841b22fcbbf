using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Platform.Testing;

namespace Platform.Benchmarks.WebRtc;

/// <summary>
/// Glass to playlist: from a frame's capture in Chromium to its fragment listed in the live playlist. Chromium's RTP
/// timestamps are its capture times and its RTCP sender reports map them to its wall clock (NTP); the host turns that
/// into each fragment's producer timestamp (the capture time of its first frame). The namespace shares the machine's
/// clock, so appearance in the playlist (polled every ~10 ms) minus the producer timestamp is the first frame's
/// latency; minus (producer + duration − one frame) the last frame's.
/// </summary>
internal static partial class WhipLatencyRun
{
    private const double Frame = 1 / 30.0;

    public static async Task<string> RunAsync(WebRtcBenchOptions options, CancellationToken cancellationToken)
    {
        using var ns = TestNetworkNamespace.Create();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var (host, folder, baseUrl) = await WhipBench.StartHostAsync(ns, client, new Dictionary<string, string>(options.HostEnvironment));
        var seen = new Dictionary<long, DateTimeOffset>();
        List<Fragment> fragments;
        try
        {
            await using var publisher = ChromiumPublisher.Start(ns, WhipBench.PageUrl(baseUrl, "lat"));
            await publisher.WaitForAsync("publishing", TimeSpan.FromSeconds(60), cancellationToken);
            var playlist = new Uri(host.BaseAddress, "hls/lat/live.m3u8");
            var end = DateTimeOffset.UtcNow.AddSeconds(options.LatencySeconds);
            while (DateTimeOffset.UtcNow < end)
            {
                using var response = await client.GetAsync(playlist, cancellationToken);
                var at = DateTimeOffset.UtcNow;
                if (response.IsSuccessStatusCode)
                {
                    foreach (Match m in FragmentUri().Matches(await response.Content.ReadAsStringAsync(cancellationToken)))
                    {
                        seen.TryAdd(long.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture), at);
                    }
                }

                await Task.Delay(10, cancellationToken);
            }

            fragments = await WhipBench.ListFragmentsAsync(client, host.BaseAddress, "lat", cancellationToken);
        }
        finally
        {
            await host.DisposeAsync();
            WhipBench.DeleteFolder(folder);
        }

        // The first fragments may start before Chromium's first sender report (producer time then estimated by the
        // host from its own clock): the first two are left out.
        var measured = fragments.Where(f => seen.ContainsKey(f.Number)).Skip(2).ToList();
        if (measured.Count < 3)
        {
            throw new InvalidOperationException($"only {measured.Count} fragments to measure ({fragments.Count} listed, {seen.Count} seen in the live playlist)");
        }

        var first = measured.Select(f => (seen[f.Number] - f.Producer).TotalMilliseconds).ToList();
        var last = measured.Select(f => (seen[f.Number] - (f.Producer + TimeSpan.FromMilliseconds(f.LengthMilliseconds) - TimeSpan.FromSeconds(Frame))).TotalMilliseconds).ToList();
        var toStore = measured.Select(f => (f.Server - (f.Producer + TimeSpan.FromMilliseconds(f.LengthMilliseconds) - TimeSpan.FromSeconds(Frame))).TotalMilliseconds).ToList();
        var storeToPlaylist = measured.Select(f => (seen[f.Number] - f.Server).TotalMilliseconds).ToList();
        string Row(string what, List<double> values) =>
            $"| {what} | {WhipBench.F(WhipBench.Percentile(values, 0.5), "0")} | {WhipBench.F(WhipBench.Percentile(values, 0.95), "0")} | {WhipBench.F(values.Max(), "0")} |";
        return new StringBuilder()
            .AppendLine("## Glass to live playlist")
            .AppendLine()
            .AppendLine($"One 720p publisher for {options.LatencySeconds} s; `/hls/lat/live.m3u8` polled every ~10 ms (through the 100 ms live playlist cache) and each fragment's first appearance noted. What is measured: Chromium stamps each frame's RTP timestamp from its capture time and its RTCP sender reports map RTP time to its wall clock, so the host's producer timestamp of a fragment is the capture time of its first frame on the machine's clock (the namespace shares it). First frame = appearance − producer timestamp (includes the fragment filling up); last frame = appearance − (producer timestamp + fragment duration − 1/30 s): encode, pacing, network, reorder wait, fragmenting, storing and the playlist cache. Split: capture of the last frame → fragment stored (server timestamp), and stored → seen in the playlist. The first two fragments (before the first sender report) are left out; {measured.Count} fragments, mean duration {WhipBench.F(measured.Average(f => f.LengthMilliseconds), "0")} ms.")
            .AppendLine()
            .AppendLine("| latency | p50 ms | p95 ms | max ms |")
            .AppendLine("|---|---|---|---|")
            .AppendLine(Row("**last frame captured → listed in the live playlist**", last))
            .AppendLine(Row("first frame captured → listed in the live playlist", first))
            .AppendLine(Row("last frame captured → fragment stored", toStore))
            .AppendLine(Row("fragment stored → seen in the live playlist", storeToPlaylist))
            .ToString();
    }

    [GeneratedRegex(@"fragments/(?<n>[0-9]+)\.m4s")]
    private static partial Regex FragmentUri();
}
