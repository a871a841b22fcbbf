using System.Globalization;
using System.Net;
using Platform.Testing;
using Platform.Video.Streams;
using Platform.Video.Tests.Hls;

namespace Platform.Video.Tests.Player;

public class PlayerPageTests
{
    [Fact]
    public async Task PlayerPage_AndHlsJsFromNpm_AreServedByTheHost()
    {
        await using var host = await PlaybackTestHost.StartAsync();

        using var root = await host.Client.GetAsync("/");
        var page = await host.Client.GetStringAsync("/player/");
        using var hls = await host.Client.GetAsync("/player/hls.min.js");

        Assert.Equal("/player/", root.RequestMessage?.RequestUri?.AbsolutePath);
        Assert.Contains("<script src=\"hls.min.js\"></script>", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, hls.StatusCode);
        Assert.Equal("text/javascript", hls.Content.Headers.ContentType?.MediaType);
        var script = await hls.Content.ReadAsStringAsync();
        Assert.True(script.Length > 100_000, $"hls.min.js is {script.Length} characters");
        Assert.Contains(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Infra, "node_modules", "hls.js", "dist", "hls.min.js")), script, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chromium_PlaysALiveStream_InThePlayerPage()
    {
        var media = await FfmpegFragments.GetAsync(30);
        await using var host = await PlaybackTestHost.StartAsync((reader, time) =>
            media.AddTo(reader, "live-cam", time.GetUtcNow().AddSeconds(-8)));
        await host.Catalog.CreateAsync(new CreateVideoStreamRequest("live-cam"), CancellationToken.None);

        var result = await RunPlayerAsync($"{host.BaseUrl}/player/?stream=live-cam&mode=live", minAdvance: 4);

        Assert.True(result.ExitCode == 0, $"live playback in Chromium failed: {result.Transcript}");
    }

    [Fact]
    public async Task Chromium_PlaysARecordedRange_PickedInThePlayerPage()
    {
        var media = await FfmpegFragments.GetAsync(30);
        DateTimeOffset first = default;
        await using var host = await PlaybackTestHost.StartAsync((reader, time) =>
        {
            first = time.GetUtcNow().AddMinutes(-5);
            media.AddTo(reader, "archive-cam", first);
        });
        await host.Catalog.CreateAsync(new CreateVideoStreamRequest("archive-cam"), CancellationToken.None);
        var start = Uri.EscapeDataString(first.AddSeconds(4).ToString("O", CultureInfo.InvariantCulture));
        var end = Uri.EscapeDataString(first.AddSeconds(20).ToString("O", CultureInfo.InvariantCulture));

        var result = await RunPlayerAsync($"{host.BaseUrl}/player/?stream=archive-cam&mode=ondemand&start={start}&end={end}", minAdvance: 3);

        Assert.True(result.ExitCode == 0, $"on-demand playback in Chromium failed: {result.Transcript}");
    }

    private static async Task<NodeScriptResult> RunPlayerAsync(string url, int minAdvance)
    {
        await NodeTools.EnsureInstalledAsync("playwright-core", CancellationToken.None);
        if (!File.Exists("/usr/bin/chromium"))
        {
            throw new InvalidOperationException("Chromium is not installed at /usr/bin/chromium; install the Debian package chromium.");
        }

        return await NodeScript.RunAsync(
            [Path.Combine(RepoPaths.Root, "tests", "js", "video-player.cjs"), "--url", url, "--min-advance", minAdvance.ToString(CultureInfo.InvariantCulture), "--timeout", "45"],
            new Dictionary<string, string>(),
            TimeSpan.FromSeconds(90));
    }
}
