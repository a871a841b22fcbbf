using System.Globalization;
using Platform.Testing;

namespace Platform.Functions.Tests.Video;

/// <summary>
/// WHIP through the real host process: headless Chromium in a network namespace publishes its fake camera and
/// microphone from the host's publisher page; the stream is listed, plays live and from the archive in a second
/// Chromium through the player page, and ffprobe decodes what the host serves.
/// </summary>
public sealed class WhipEndToEndTests : IDisposable
{
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("platform-whip-e2e-").FullName;

    public void Dispose() => Directory.Delete(_workingDirectory, recursive: true);

    [Fact]
    public async Task ChromiumPublishesOverWhipFromThePublisherPage_AndTheStreamIsListedPlaysLiveAndRecorded_AndDecodes()
    {
        using var ns = TestNetworkNamespace.Create();
        var from = DateTimeOffset.UtcNow.AddSeconds(-2);

        // A short silence timeout: the publisher is killed below without saying goodbye, and its last fragment is
        // stored when the host notices.
        await using var host = await VideoHost.StartAsync(
            _workingDirectory, new Dictionary<string, string> { ["Platform__Video__WebRtc__SessionTimeout"] = "00:00:03" }, webRtcAddress: ns.HostAddress);
        List<ListedFragment> live;
        await using (var publisher = ChromiumPublisher.Start(ns, $"{host.BaseUrlOn(ns.HostAddress)}/player/publish.html?stream=whip1&width=640&height=360"))
        {
            await publisher.WaitForAsync("publishing", TimeSpan.FromSeconds(30));
            live = await host.WaitForFragmentsAsync("whip1", from, 2, TimeSpan.FromSeconds(30));

            var played = await VideoEndToEndTests.RunPlayerAsync($"{host.BaseUrl}/player/?stream=whip1&mode=live", minAdvance: 4);
            Assert.True(played.ExitCode == 0, $"live playback of the WHIP stream in Chromium failed: {played.Transcript}\npublisher:\n{publisher.Log}");
        }

        // The session ends after the silence timeout and stores its last fragment.
        var fragments = await host.WaitForFragmentsAsync("whip1", from, live.Count + 2, TimeSpan.FromSeconds(15));
        await Task.Delay(4000);
        fragments = await host.ListFragmentsAsync("whip1", from, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(live, fragments.Take(live.Count));

        var to = DateTimeOffset.UtcNow.AddSeconds(1);
        var session = new Uri(await host.OnDemandSessionUrlAsync("whip1", from, to));
        var listedSeconds = fragments.Sum(f => f.LengthMilliseconds) / 1000.0;
        var (duration, videoPackets) = await HlsProbe.DecodeAsync(session.ToString());
        Assert.InRange(duration, listedSeconds - 0.5, listedSeconds + 0.5);
        Assert.True(videoPackets >= listedSeconds * 10, $"{videoPackets} video frames in {listedSeconds} s: the fake camera sends 30 fps");

        var (init, uris) = await host.MediaPlaylistAsync(session);
        Assert.Equal(fragments.Count, uris.Count);
        await HlsProbe.AssertEveryFragmentStartsWithAKeyframeAsync(host.Client, init, uris);

        var start = DateTimeOffset.FromUnixTimeMilliseconds((long)(fragments[0].ServerTimestamp * 1000)).AddMilliseconds(-500);
        var recorded = await VideoEndToEndTests.RunPlayerAsync(
            $"{host.BaseUrl}/player/?stream=whip1&mode=ondemand&start={Uri.EscapeDataString(start.ToString("O", CultureInfo.InvariantCulture))}&end={Uri.EscapeDataString(to.ToString("O", CultureInfo.InvariantCulture))}",
            minAdvance: 3);
        Assert.True(recorded.ExitCode == 0, $"recorded playback of the WHIP stream in Chromium failed: {recorded.Transcript}");
    }
}
