using System.Text;
using Platform.Testing;

namespace Platform.Benchmarks.WebRtc;

/// <summary>
/// Time from the WHIP POST to the first stored fragment, over several publishers one after the other on one host.
/// The page notes its clock just before <c>fetch</c> (the namespace shares the machine's clock); the fragment's
/// server timestamp is when the store appended it; ListFragments is also polled every 50 ms to see when it is listed.
/// </summary>
internal static class WhipStartupRun
{
    public static async Task<string> RunAsync(WebRtcBenchOptions options, CancellationToken cancellationToken)
    {
        using var ns = TestNetworkNamespace.Create();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var (host, folder, baseUrl) = await WhipBench.StartHostAsync(ns, client, new Dictionary<string, string>(options.HostEnvironment));
        var answer = new List<double>();
        var connected = new List<double>();
        var stored = new List<double>();
        var listed = new List<double>();
        try
        {
            for (var run = 0; run < options.StartupRuns; run++)
            {
                var stream = $"start{run}";
                await using var publisher = ChromiumPublisher.Start(ns, WhipBench.PageUrl(baseUrl, stream));
                var posted = await publisher.WaitForAsync("offering", TimeSpan.FromSeconds(60), cancellationToken);
                var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
                Fragment? first = null;
                while (first is null && DateTimeOffset.UtcNow < deadline)
                {
                    first = (await WhipBench.ListFragmentsAsync(client, host.BaseAddress, stream, cancellationToken)).FirstOrDefault();
                    if (first is null)
                    {
                        await Task.Delay(50, cancellationToken);
                    }
                }

                var seen = DateTimeOffset.UtcNow;
                if (first is null)
                {
                    throw new TimeoutException($"no fragment of {stream} within 30 s of the POST: {publisher.Log}\n{host.Output}");
                }

                answer.Add((publisher.Events.First(e => e.Name == "connecting").At - posted.At).TotalMilliseconds);
                connected.Add((publisher.Events.First(e => e.Name == "publishing").At - posted.At).TotalMilliseconds);
                stored.Add((first.Server - posted.At).TotalMilliseconds);
                listed.Add((seen - posted.At).TotalMilliseconds);
            }
        }
        finally
        {
            await host.DisposeAsync();
            WhipBench.DeleteFolder(folder);
        }

        string Row(string what, List<double> values) =>
            $"| {what} | {WhipBench.F(WhipBench.Percentile(values, 0.5), "0")} | {WhipBench.F(values.Max(), "0")} | {string.Join(", ", values.Select(v => WhipBench.F(v, "0")))} |";
        return new StringBuilder()
            .AppendLine("## From the WHIP POST to the first stored fragment")
            .AppendLine()
            .AppendLine($"{options.StartupRuns} publishers one after the other (a new Chromium each; its start-up and getUserMedia are before the clock starts). t0 = the page's `Date.now()` just before the `fetch` POST. Answer = the 201 applied (`setRemoteDescription` done); connected = `connectionState` `connected` (ICE + DTLS); stored = the first fragment's server timestamp (set when the store appends it); listed = when polling ListFragments every 50 ms first saw it. The first fragment closes at the second keyframe (the host asks for one with PLI at start and every 2 s), so about 2 s of it is media filling the fragment.")
            .AppendLine()
            .AppendLine("| from the POST to | p50 ms | max ms | each run, ms |")
            .AppendLine("|---|---|---|---|")
            .AppendLine(Row("answer applied", answer))
            .AppendLine(Row("ICE + DTLS connected", connected))
            .AppendLine(Row("**first fragment stored**", stored))
            .AppendLine(Row("first fragment listed (50 ms polls)", listed))
            .ToString();
    }
}
