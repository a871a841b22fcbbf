using System.Diagnostics;
using System.Globalization;
using Platform.Testing;

namespace Platform.Functions.Tests.Video;

/// <summary>
/// Two host processes on one Azurite account, as "many stateless hosts" behind a balancer without affinity: a live
/// playlist reads the same on either host (fragment URIs, media and discontinuity sequence numbers), because the
/// numbers come from the ordinals the store records, and a publisher that comes back (on the other host) continues them.
/// </summary>
public sealed class LiveSequenceAcrossHostsTests : IAsyncLifetime
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(40);
    private readonly List<string> _workingDirectories = [];
    private AzuriteServer? _azurite;
    private VideoHost? _a;
    private VideoHost? _b;

    public async Task InitializeAsync()
    {
        try
        {
            _azurite = await AzuriteServer.StartAsync();
            var settings = new Dictionary<string, string>
            {
                ["Platform__Storage__Backend"] = "AzureBlob",
                ["AzureWebJobsStorage"] = _azurite.ConnectionString,
            };

            // Both start at once; each one that came up is kept so that DisposeAsync stops it if the other failed.
            var startingA = VideoHost.StartAsync(NewDirectory(), settings);
            var startingB = VideoHost.StartAsync(NewDirectory(), settings);
            try
            {
                _a = await startingA;
            }
            finally
            {
                _b = await startingB;
            }
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var host in new[] { _a, _b })
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }
        }

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }

        foreach (var directory in _workingDirectories)
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task LivePlaylists_ReadTheSameOnBothHosts_AndARestartedPublisherContinuesTheSequenceNumbers()
    {
        var (a, b) = (_a!, _b!);
        var from = DateTimeOffset.UtcNow.AddSeconds(-2);

        await using (var first = Publish(a, "shared", seconds: 8))
        {
            await a.WaitForFragmentsAsync("shared", from, 3, PublishTimeout);

            // The unsigned live playlist of each host, and a signed LIVE session from A used on B (same path and token).
            var (live, _) = await SameOnBothAsync(a, b, "hls/shared/live.m3u8");
            await AssertNumberedByStreamPositionAsync(a, from, live, discontinuities: 1);
            var signed = await SessionMediaPathAsync(a, "ALWAYS", 5);
            var (always, _) = await SameOnBothAsync(a, b, signed);

            // ALWAYS (the default with server timestamps) counts every fragment boundary: the ordinal.
            Assert.Equal(always.MediaSequence, always.DiscontinuitySequence);
            await AssertNumberedByStreamPositionAsync(a, from, always, discontinuities: null);

            var exit = await first.WaitAsync(PublishTimeout);
            Assert.True(exit == 0, $"ffmpeg exited with {exit}: {first.StandardError}");
        }

        // The publisher comes back, on host B this time, once A has stored its last fragment and freed the stream.
        await WaitUntilNotLiveAsync(a);
        var before = await a.ListFragmentsAsync("shared", from, DateTimeOffset.UtcNow.AddMinutes(1));
        await using var second = Publish(b, "shared", seconds: 30);
        await b.WaitForFragmentsAsync("shared", from, before.Count + 2, PublishTimeout);

        // The newest five continue the media sequence from the stream's position; past the restart they are in the
        // stream's second discontinuity.
        var (latest, _) = await SameOnBothAsync(b, a, "hls/shared/live.m3u8");
        await AssertNumberedByStreamPositionAsync(a, from, latest, discontinuities: latest.MediaSequence >= before.Count ? 2 : 1);
        Assert.True(latest.MediaSequence + latest.Fragments.Count > before.Count, $"no fragment of the second session listed:\n{latest.Text}");

        // The whole stream in one LIVE session made on B and read on both: numbered from 0, the discontinuity tag
        // (and the count) exactly where the publisher came back.
        var (whole, _) = await SameOnBothAsync(b, a, await SessionMediaPathAsync(b, "ON_DISCONTINUITY", 50));
        var numbers = await AssertNumberedByStreamPositionAsync(a, from, whole, discontinuities: 1);
        Assert.Equal(0, whole.MediaSequence);
        var n = Math.Min(numbers.Count, whole.Fragments.Count);
        Assert.Equal(numbers.Take(n), whole.Fragments.Take(n).Select(f => NumberOf(f.Uri)));
        Assert.Equal(before.Select(f => f.Number), whole.Fragments.Take(before.Count).Select(f => NumberOf(f.Uri)));
        Assert.Equal(
            Enumerable.Repeat(1L, before.Count).Concat(Enumerable.Repeat(2L, whole.Fragments.Count - before.Count)),
            whole.Fragments.Select(f => f.DiscontinuitySequence));

        var quit = await second.QuitAsync(TimeSpan.FromSeconds(15));
        Assert.True(quit == 0, $"ffmpeg exited with {quit}: {second.StandardError}");
    }

    /// <summary>A signed LIVE session's media playlist path (host-relative, with its token), made on <paramref name="host"/>.</summary>
    private static async Task<string> SessionMediaPathAsync(VideoHost host, string discontinuityMode, int fragments)
    {
        var session = await host.PostAsync("getHLSStreamingSessionURL", new
        {
            StreamName = "shared",
            PlaybackMode = "LIVE",
            DiscontinuityMode = discontinuityMode,
            MaxMediaPlaylistFragmentResults = fragments,
        });
        var master = new Uri(session.GetProperty("HLSStreamingSessionURL").GetString()!);
        return master.AbsolutePath.Replace("master.m3u8", "media.m3u8", StringComparison.Ordinal).TrimStart('/') + master.Query;
    }

    private static async Task WaitUntilNotLiveAsync(VideoHost host)
    {
        var watch = Stopwatch.StartNew();
        while ((await host.PostAsync("describeStream", new { StreamName = "shared" })).GetProperty("StreamInfo").GetProperty("IsLive").GetBoolean())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), "the first publish session never ended");
            await Task.Delay(200);
        }
    }

    /// <summary>Fetches <paramref name="path"/> from both hosts until they list the same fragments (the host without the
    /// publisher sees a new fragment up to about a second later), then asserts the two playlists number them alike.</summary>
    private static async Task<(Playlist First, Playlist Second)> SameOnBothAsync(VideoHost first, VideoHost second, string path)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var one = Playlist.Parse(await first.Client.GetStringAsync(new Uri(path, UriKind.Relative)));
            var two = Playlist.Parse(await second.Client.GetStringAsync(new Uri(path, UriKind.Relative)));
            if (one.Fragments.Select(f => f.Uri).SequenceEqual(two.Fragments.Select(f => f.Uri)) && one.Fragments.Count > 0)
            {
                Assert.Equal(one.MediaSequence, two.MediaSequence);
                Assert.Equal(one.DiscontinuitySequence, two.DiscontinuitySequence);
                Assert.Equal(one.Fragments, two.Fragments);
                return (one, two);
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"the hosts never listed the same fragments of {path}:\n{one.Text}\n---\n{two.Text}");
            await Task.Delay(200);
        }
    }

    /// <summary>Asserts the playlist's media sequence is its first fragment's position in the stream (ListFragments order
    /// by number, from the stream's start); returns the stream's fragment numbers in order.</summary>
    private static async Task<List<string>> AssertNumberedByStreamPositionAsync(VideoHost host, DateTimeOffset from, Playlist playlist, int? discontinuities)
    {
        var all = (await host.ListFragmentsAsync("shared", from, DateTimeOffset.UtcNow.AddMinutes(1)))
            .Select(f => f.Number).OrderBy(n => long.Parse(n, CultureInfo.InvariantCulture)).ToList();
        var position = all.IndexOf(NumberOf(playlist.Fragments[0].Uri));
        Assert.True(position >= 0, $"{playlist.Fragments[0].Uri} is not listed by ListFragments");
        Assert.Equal(position, playlist.MediaSequence);
        if (discontinuities is { } count)
        {
            Assert.Equal(count, playlist.DiscontinuitySequence);
        }

        return all;
    }

    private static string NumberOf(string uri) => uri[(uri.LastIndexOf('/') + 1)..uri.IndexOf(".m4s", StringComparison.Ordinal)];

    private string NewDirectory()
    {
        var directory = Directory.CreateTempSubdirectory("platform-video-seq-").FullName;
        _workingDirectories.Add(directory);
        return directory;
    }

    private static MediaTool Publish(VideoHost host, string stream, int seconds) => MediaTool.Start("ffmpeg",
    [
        "-hide_banner", "-loglevel", "error", "-nostats",
        "-re", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30",
        "-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-t", seconds.ToString(CultureInfo.InvariantCulture),
        "-c:v", "libx264", "-preset", "veryfast", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "64k",
        "-f", "flv", host.RtmpUrl(stream),
    ]);

    /// <summary>One fragment of a media playlist: its URI and the sequence numbers the playlist gives it.</summary>
    private sealed record Listed(string Uri, long MediaSequence, long DiscontinuitySequence);

    /// <summary>A media playlist as a player reads its numbering.</summary>
    private sealed record Playlist(string Text, long MediaSequence, long DiscontinuitySequence, List<Listed> Fragments)
    {
        public static Playlist Parse(string text)
        {
            long media = -1, discontinuity = 0;
            var fragments = new List<Listed>();
            var tags = 0;
            foreach (var line in text.Split('\n').Select(l => l.Trim()))
            {
                if (line.StartsWith("#EXT-X-MEDIA-SEQUENCE:", StringComparison.Ordinal))
                {
                    media = long.Parse(line["#EXT-X-MEDIA-SEQUENCE:".Length..], CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("#EXT-X-DISCONTINUITY-SEQUENCE:", StringComparison.Ordinal))
                {
                    discontinuity = long.Parse(line["#EXT-X-DISCONTINUITY-SEQUENCE:".Length..], CultureInfo.InvariantCulture);
                }
                else if (line == "#EXT-X-DISCONTINUITY")
                {
                    tags++;
                }
                else if (line.Length > 0 && !line.StartsWith('#'))
                {
                    fragments.Add(new Listed(line, media + fragments.Count, discontinuity + tags));
                }
            }

            Assert.True(media >= 0, $"no EXT-X-MEDIA-SEQUENCE in:\n{text}");
            return new Playlist(text, media, discontinuity, fragments);
        }
    }
}
