using System.Globalization;
using System.Net;
using Platform.Testing;

namespace Platform.Functions.Tests.Video;

/// <summary>
/// The whole video path through the real host process: Debian ffmpeg publishes over RTMP, the host fragments and
/// stores, and ffprobe and headless Chromium read the HLS it serves.
/// </summary>
public sealed class VideoEndToEndTests : IDisposable
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(60);
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("platform-video-e2e-").FullName;

    public void Dispose() => Directory.Delete(_workingDirectory, recursive: true);

    [Fact]
    public async Task FfmpegPublishesOverRtmp_AndTheLiveHlsDecodesWithKeyframeFragmentsAndMonotonicTimestamps()
    {
        var from = DateTimeOffset.UtcNow.AddSeconds(-2);
        await using var host = await VideoHost.StartAsync(_workingDirectory);
        await using var ffmpeg = Publish(host, "cam1", seconds: 8);

        // While it is live: the unsigned live playlist lists fragments and ffprobe reads its streams.
        await host.WaitForFragmentsAsync("cam1", from, 2, TimeSpan.FromSeconds(30));
        using (var live = await host.Client.GetAsync(new Uri("hls/cam1/live.m3u8", UriKind.Relative)))
        {
            var text = await live.Content.ReadAsStringAsync();
            Assert.True(live.StatusCode == HttpStatusCode.OK, $"live.m3u8: {(int)live.StatusCode} {text}");
            Assert.Equal("application/vnd.apple.mpegurl", live.Content.Headers.ContentType?.MediaType);
            Assert.Contains("#EXT-X-MAP:", text, StringComparison.Ordinal);
            Assert.DoesNotContain("#EXT-X-ENDLIST", text, StringComparison.Ordinal);
            Assert.True(text.Split('\n').Count(l => l.Contains(".m4s", StringComparison.Ordinal)) >= 2, text);
        }

        var (probeExit, streams, probeErrors) = await MediaTool.RunAsync("ffprobe",
            ["-v", "error", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", $"{host.BaseUrl}/hls/cam1/live.m3u8"],
            TimeSpan.FromSeconds(30));
        Assert.True(probeExit == 0 && probeErrors.Trim().Length == 0, $"ffprobe on the live playlist: exit {probeExit}: {probeErrors}");
        Assert.Contains("h264,640,360", streams, StringComparison.Ordinal);
        Assert.Contains("aac", streams, StringComparison.Ordinal);

        var published = await ffmpeg.WaitAsync(PublishTimeout);
        Assert.True(published == 0, $"ffmpeg exited with {published}: {ffmpeg.StandardError}\nhost:\n{host.Process.Output}");

        // The last fragment is stored when the publisher leaves: 8 s of 2 s GOPs is 4 fragments.
        var fragments = await host.WaitForFragmentsAsync("cam1", from, 4, TimeSpan.FromSeconds(10));
        var to = DateTimeOffset.UtcNow.AddSeconds(1);
        Assert.InRange(fragments.Sum(f => f.LengthMilliseconds), 7_000, 9_000);

        var session = new Uri(await host.OnDemandSessionUrlAsync("cam1", from, to));
        var (duration, videoPackets) = await HlsProbe.DecodeAsync(session.ToString());
        Assert.InRange(duration, 7.0, 9.0);
        Assert.InRange(videoPackets, 235, 241); // 8 s at 30 fps

        var (init, uris) = await host.MediaPlaylistAsync(session);
        Assert.Equal(fragments.Count, uris.Count);
        await HlsProbe.AssertEveryFragmentStartsWithAKeyframeAsync(host.Client, init, uris);
    }

    [Fact]
    public async Task ChromiumPlaysTheLiveStream_AndARecordedRange_InThePlayerPage()
    {
        var from = DateTimeOffset.UtcNow.AddSeconds(-2);
        await using var host = await VideoHost.StartAsync(_workingDirectory);
        // With B-frames (x264's default, as OBS sends): each fragment's first picture presents two frames after its
        // first audio sample, so the player starts by seeking over that small hole, which video-player.cjs allows only
        // where playback starts.
        await using var ffmpeg = Publish(host, "cam2", seconds: 60, "-bf", "2");
        await host.WaitForFragmentsAsync("cam2", from, 2, TimeSpan.FromSeconds(30));

        var live = await RunPlayerAsync($"{host.BaseUrl}/player/?stream=cam2&mode=live", minAdvance: 4);
        Assert.True(live.ExitCode == 0, $"live playback in Chromium failed: {live.Transcript}");

        var quit = await ffmpeg.QuitAsync(TimeSpan.FromSeconds(15));
        Assert.True(quit == 0, $"ffmpeg exited with {quit}: {ffmpeg.StandardError}");
        await Task.Delay(1000); // the publisher's last fragment is stored as its session ends
        var fragments = await host.WaitForFragmentsAsync("cam2", from, 3, TimeSpan.FromSeconds(10));

        var start = DateTimeOffset.FromUnixTimeMilliseconds((long)(fragments[0].ServerTimestamp * 1000)).AddMilliseconds(-500);
        var end = DateTimeOffset.UtcNow.AddSeconds(1);
        var recorded = await RunPlayerAsync(
            $"{host.BaseUrl}/player/?stream=cam2&mode=ondemand&start={Uri.EscapeDataString(start.ToString("O", CultureInfo.InvariantCulture))}&end={Uri.EscapeDataString(end.ToString("O", CultureInfo.InvariantCulture))}",
            minAdvance: 3);
        Assert.True(recorded.ExitCode == 0, $"recorded playback in Chromium failed: {recorded.Transcript}");
    }

    [Fact]
    public async Task KillingTheHostMidPublish_LosesNothingStored_AndEarlierFootageStillPlays()
    {
        var from = DateTimeOffset.UtcNow.AddSeconds(-2);
        List<ListedFragment> before;
        await using (var first = await VideoHost.StartAsync(_workingDirectory))
        {
            await using var ffmpeg = Publish(first, "cam3", seconds: 60);
            before = await first.WaitForFragmentsAsync("cam3", from, 3, TimeSpan.FromSeconds(40));
            await first.Process.KillAsync();
        }

        await using var second = await VideoHost.StartAsync(_workingDirectory);
        var to = DateTimeOffset.UtcNow.AddSeconds(1);
        var after = await second.ListFragmentsAsync("cam3", from, to);

        var missing = before.Select(f => f.Number).Except(after.Select(f => f.Number)).ToList();
        Assert.True(missing.Count == 0, $"fragments listed before the kill are gone after the restart: {string.Join(", ", missing)}");
        Assert.Equal(before, after.Take(before.Count));

        var lastListed = DateTimeOffset.FromUnixTimeMilliseconds((long)(before[^1].ServerTimestamp * 1000));
        var session = await second.OnDemandSessionUrlAsync("cam3", from, lastListed.AddMilliseconds(1));
        var (duration, _) = await HlsProbe.DecodeAsync(session);
        Assert.InRange(duration, before.Sum(f => f.LengthMilliseconds) / 1000.0 - 0.5, before.Sum(f => f.LengthMilliseconds) / 1000.0 + 0.5);
    }

    internal static MediaTool Publish(VideoHost host, string stream, int seconds, params string[] encoder) => MediaTool.Start("ffmpeg",
    [
        "-hide_banner", "-loglevel", "error", "-nostats",
        "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
        "-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-t", seconds.ToString(CultureInfo.InvariantCulture),
        "-c:v", "libx264", "-preset", "veryfast", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0", "-pix_fmt", "yuv420p", .. encoder,
        "-c:a", "aac", "-b:a", "96k",
        "-f", "flv", host.RtmpUrl(stream),
    ]);

    /// <summary>tests/js/video-player.cjs on the player page URL: exit code 0 when playback advanced by <paramref name="minAdvance"/> seconds with no player error.</summary>
    internal static async Task<NodeScriptResult> RunPlayerAsync(string url, int minAdvance)
    {
        await NodeTools.EnsureInstalledAsync("playwright-core", CancellationToken.None);
        if (!File.Exists("/usr/bin/chromium"))
        {
            throw new InvalidOperationException("Chromium is not installed at /usr/bin/chromium; install the Debian package chromium.");
        }

        return await NodeScript.RunAsync(
            [Path.Combine(RepoPaths.Root, "tests", "js", "video-player.cjs"), "--url", url, "--min-advance", minAdvance.ToString(CultureInfo.InvariantCulture), "--timeout", "40"],
            new Dictionary<string, string>(),
            TimeSpan.FromSeconds(80));
    }
}
