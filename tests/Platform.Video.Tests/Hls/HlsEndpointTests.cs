using System.Net;
using System.Net.Http.Headers;
using Platform.Video.Hls;

namespace Platform.Video.Tests.Hls;

public class HlsEndpointTests
{
    private static Task<PlaybackTestHost> StartWithFragmentsAsync(IDictionary<string, string?>? settings = null) => PlaybackTestHost.StartAsync(
        (reader, time) =>
        {
            // Ten 2-second fragments, all received by now; bytes are tagged with their number.
            reader.AddInit("cam", "s0-0", [0, 0, 0, 8, (byte)'f', (byte)'t', (byte)'y', (byte)'p'], "avc1.42c00d");
            foreach (var f in FixtureFragments.Make(10, firstNumber: 0).Select(f => f with { ServerTime = time.GetUtcNow().AddSeconds(-30) + (f.ServerTime - FixtureFragments.Origin), InitSegmentKey = "s0-0" }))
            {
                reader.Add("cam", f, [.. Enumerable.Range(0, 1000).Select(i => (byte)(f.Number + i))]);
            }
        },
        settings);

    [Fact]
    public async Task UnsignedLivePlaylist_IsServedWithThePlaylistContentTypeAndCors()
    {
        await using var host = await StartWithFragmentsAsync();

        using var response = await host.Client.GetAsync("/hls/cam/live.m3u8");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.apple.mpegurl", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("#EXT-X-MEDIA-SEQUENCE:0", text, StringComparison.Ordinal);
        Assert.Contains("fragments/5.m4s\n", text, StringComparison.Ordinal);
        Assert.Contains("fragments/9.m4s\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fragment_IsImmutable_WithTheSegmentContentType()
    {
        await using var host = await StartWithFragmentsAsync();

        using var response = await host.Client.GetAsync("/hls/cam/fragments/3.m4s");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("video/iso.segment", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
        Assert.Equal(3, (await response.Content.ReadAsByteArrayAsync())[0]);
    }

    [Fact]
    public async Task InitSegment_IsServedAsMp4()
    {
        await using var host = await StartWithFragmentsAsync();

        using var response = await host.Client.GetAsync("/hls/cam/init/s0-0.mp4");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("video/mp4", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(8, (await response.Content.ReadAsByteArrayAsync()).Length);
    }

    [Fact]
    public async Task RangeRequest_OnAFragment_Gets206WithContentRange()
    {
        await using var host = await StartWithFragmentsAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/hls/cam/fragments/2.m4s");
        request.Headers.Range = new RangeHeaderValue(100, 199);

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("bytes 100-199/1000", response.Content.Headers.ContentRange?.ToString());
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(100, body.Length);
        Assert.Equal((byte)(2 + 100), body[0]);
    }

    [Fact]
    public async Task SecondFragmentRequest_IsServedFromCache_WithoutReadingTheStore()
    {
        await using var host = await StartWithFragmentsAsync();
        using var first = await host.Client.GetAsync("/hls/cam/fragments/4.m4s");
        var reads = host.Reader.FragmentReads;

        using var second = await host.Client.GetAsync("/hls/cam/fragments/4.m4s");

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await second.Content.ReadAsByteArrayAsync());
        Assert.Equal(reads, host.Reader.FragmentReads);
        Assert.NotNull(second.Headers.Age);
    }

    [Fact]
    public async Task ConcurrentLivePlaylistMisses_AreCollapsedIntoOneStoreRead()
    {
        await using var host = await StartWithFragmentsAsync();
        host.Reader.ListDelay = TimeSpan.FromMilliseconds(300);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => host.Client.GetStringAsync("/hls/cam/live.m3u8")));

        Assert.Single(responses.Distinct());
        Assert.Equal(1, host.Reader.PlaylistReads);
    }

    [Fact]
    public async Task LivePlaylist_IsReadAgain_OnceItsCacheTimeHasPassed()
    {
        await using var host = await StartWithFragmentsAsync(new Dictionary<string, string?> { ["Platform:Video:Playback:LivePlaylistCacheMilliseconds"] = "100" });
        await host.Client.GetStringAsync("/hls/cam/live.m3u8");

        await Task.Delay(400);
        await host.Client.GetStringAsync("/hls/cam/live.m3u8");

        Assert.Equal(2, host.Reader.PlaylistReads);
    }

    [Fact]
    public async Task Preflight_AllowsAnyOriginToFetchWithRange()
    {
        await using var host = await StartWithFragmentsAsync();
        using var request = new HttpRequestMessage(HttpMethod.Options, "/hls/cam/fragments/1.m4s");
        request.Headers.Add("Origin", "https://example.org");
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "range");

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("GET", response.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);
        Assert.Equal("range", response.Headers.GetValues("Access-Control-Allow-Headers").Single());
    }

    [Fact]
    public async Task SessionMasterPlaylist_NamesTheMediaPlaylistWithItsToken_AndTheCodecs()
    {
        await using var host = await StartWithFragmentsAsync();
        var path = host.SessionPath(host.Session("cam"));
        var token = path[(path.IndexOf("token=", StringComparison.Ordinal) + 6)..];

        var master = await host.Client.GetStringAsync(path);
        var media = await host.Client.GetStringAsync($"/hls/cam/media.m3u8?token={token}");

        Assert.Contains("CODECS=\"avc1.42c00d\"", master, StringComparison.Ordinal);
        Assert.EndsWith($"\nmedia.m3u8?token={token}\n", master, StringComparison.Ordinal);
        Assert.Contains($"#EXT-X-MAP:URI=\"init/s0-0.mp4?token={token}\"", media, StringComparison.Ordinal);
        Assert.Contains($"fragments/9.m4s?token={token}", media, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForgedToken_Gets403_EvenForACachedPlaylist()
    {
        await using var host = await StartWithFragmentsAsync();
        var path = host.SessionPath(host.Session("cam"), "media.m3u8");
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync(path)).StatusCode);
        var forged = path[..^3] + (path[^3] == 'A' ? 'B' : 'A') + path[^2..];

        using var response = await host.Client.GetAsync(forged);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task ExpiredToken_Gets403_ForAFragmentAlreadyInTheCache()
    {
        await using var host = await StartWithFragmentsAsync();
        var session = host.Session("cam", lifetime: TimeSpan.FromSeconds(300));
        var fragment = host.SessionPath(session, "fragments/2.m4s");
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync(fragment)).StatusCode);

        host.Time.Advance(TimeSpan.FromSeconds(301));
        using var response = await host.Client.GetAsync(fragment);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task TokenForAnotherStream_Gets403()
    {
        await using var host = await StartWithFragmentsAsync();
        var token = host.Tokens.Create(host.Session("other"));

        using var response = await host.Client.GetAsync($"/hls/cam/fragments/1.m4s?token={token}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task SessionPlaylist_WithoutAToken_Gets403()
    {
        await using var host = await StartWithFragmentsAsync();

        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.GetAsync("/hls/cam/master.m3u8")).StatusCode);
    }

    [Fact]
    public async Task UnsignedPlayback_WhenDisabled_Gets403_ButSessionsStillPlay()
    {
        await using var host = await StartWithFragmentsAsync(new Dictionary<string, string?> { ["Platform:Video:Playback:AllowUnsignedPlayback"] = "false" });

        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.GetAsync("/hls/cam/live.m3u8")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.GetAsync("/hls/cam/fragments/1.m4s")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync(host.SessionPath(host.Session("cam"), "fragments/1.m4s"))).StatusCode);
    }

    [Fact]
    public async Task OnDemandPlaylist_IsAClosedVodPlaylist_CachedForLonger()
    {
        await using var host = await StartWithFragmentsAsync();
        var now = host.Time.GetUtcNow();
        var session = host.Session("cam", HlsPlaybackMode.OnDemand, now.AddSeconds(-30), now.AddSeconds(-20));

        using var response = await host.Client.GetAsync(host.SessionPath(session, "media.m3u8"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Contains("#EXT-X-PLAYLIST-TYPE:VOD", text, StringComparison.Ordinal);
        Assert.EndsWith("#EXT-X-ENDLIST\n", text, StringComparison.Ordinal);
        Assert.Equal("public, max-age=30", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task MissingFragmentAndUnknownStream_Get404_AndAreNotCached()
    {
        await using var host = await StartWithFragmentsAsync();

        using var missing = await host.Client.GetAsync("/hls/cam/fragments/99.m4s");
        using var unknown = await host.Client.GetAsync("/hls/nope/live.m3u8");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("no-store", missing.Headers.CacheControl?.ToString());
    }
}
