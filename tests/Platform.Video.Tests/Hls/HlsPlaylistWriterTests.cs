using Platform.Video.Hls;
using Platform.Video.Store;

namespace Platform.Video.Tests.Hls;

public class HlsPlaylistWriterTests
{
    private static string Media(IReadOnlyList<FragmentInfo> fragments, HlsDiscontinuityMode mode = HlsDiscontinuityMode.OnDiscontinuity, bool display = false,
        FragmentTimestampType type = FragmentTimestampType.ServerTimestamp, long sequence = 0, bool ended = false, string? playlistType = null, string? token = null, long media = 0) =>
        HlsPlaylistWriter.WriteMedia(new MediaPlaylistSpec(fragments, HlsUris.ForToken(token), mode, display, type, media, sequence, ended, playlistType));

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void LiveWindow_StartsWithVersion7_TheGivenMediaSequence_AndFragmentsByNumber()
    {
        var lines = Lines(Media(FixtureFragments.Make(5, firstNumber: 42), media: 7));

        Assert.Equal("#EXTM3U", lines[0]);
        Assert.Contains("#EXT-X-VERSION:7", lines);
        Assert.Contains("#EXT-X-MEDIA-SEQUENCE:7", lines);
        Assert.DoesNotContain("#EXT-X-ENDLIST", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("#EXT-X-PLAYLIST-TYPE", StringComparison.Ordinal));
        Assert.Equal(["fragments/42.m4s", "fragments/43.m4s", "fragments/44.m4s", "fragments/45.m4s", "fragments/46.m4s"], lines.Where(l => !l.StartsWith('#')));
    }

    [Fact]
    public void TargetDuration_IsTheLongestFragmentRoundedToTheNearestSecond_AndExtinfHasThreeDecimals()
    {
        var fragments = FixtureFragments.Make(3);
        fragments[1] = fragments[1] with { Duration = TimeSpan.FromMilliseconds(2_033.4) };
        var lines = Lines(Media(fragments));

        Assert.Contains("#EXT-X-TARGETDURATION:2", lines);
        Assert.Equal(["#EXTINF:2.000,", "#EXTINF:2.033,", "#EXTINF:2.000,"], lines.Where(l => l.StartsWith("#EXTINF", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(2_000, 2)]
    [InlineData(2_499, 2)]
    [InlineData(2_500, 3)]
    [InlineData(2_501, 3)]
    [InlineData(400, 1)]
    [InlineData(9_600, 10)]
    public void TargetDuration_BoundsEveryExtinfRoundedToTheNearestInteger_AsRfc8216Requires(int longestMilliseconds, int expected)
    {
        var fragments = FixtureFragments.Make(4, seconds: 0.3);
        fragments[2] = fragments[2] with { Duration = TimeSpan.FromMilliseconds(longestMilliseconds) };

        var target = HlsPlaylistWriter.TargetDuration(fragments);

        Assert.Equal(expected, target);
        Assert.All(fragments, f => Assert.True(Math.Round(f.Duration.TotalSeconds, MidpointRounding.AwayFromZero) <= target));
    }

    [Fact]
    public void OnDemand_IsAVodPlaylist_ClosedWithEndlist()
    {
        var lines = Lines(Media(FixtureFragments.Make(3), ended: true, playlistType: "VOD"));

        Assert.Contains("#EXT-X-PLAYLIST-TYPE:VOD", lines);
        Assert.Equal("#EXT-X-ENDLIST", lines[^1]);
    }

    [Fact]
    public void InitSegment_IsMappedOnce_AndAgainWhenItChanges()
    {
        var lines = Lines(Media(FixtureFragments.Make(4, initOf: i => i < 2 ? "s1-0" : "s1-1")));

        Assert.Equal(["#EXT-X-MAP:URI=\"init/s1-0.mp4\"", "#EXT-X-MAP:URI=\"init/s1-1.mp4\""], lines.Where(l => l.StartsWith("#EXT-X-MAP", StringComparison.Ordinal)));
        var second = Array.IndexOf(lines, "#EXT-X-MAP:URI=\"init/s1-1.mp4\"");
        Assert.Equal("fragments/102.m4s", lines.Skip(second).First(l => !l.StartsWith('#')));
    }

    [Fact]
    public void DiscontinuityAlways_TagsBetweenEveryTwoFragments_WithTheGivenSequence()
    {
        var lines = Lines(Media(FixtureFragments.Make(4), HlsDiscontinuityMode.Always, sequence: 100));

        Assert.Contains("#EXT-X-DISCONTINUITY-SEQUENCE:100", lines);
        Assert.Equal(3, lines.Count(l => l == "#EXT-X-DISCONTINUITY"));
        Assert.True(Array.IndexOf(lines, "#EXT-X-DISCONTINUITY") > Array.IndexOf(lines, "fragments/100.m4s"), "no tag before the first fragment");
    }

    [Fact]
    public void DiscontinuityNever_WritesNoTagsAndNoSequence_EvenAcrossAPublishSession()
    {
        var lines = Lines(Media(FixtureFragments.Make(4, discontinuity: i => i == 2), HlsDiscontinuityMode.Never));

        Assert.DoesNotContain("#EXT-X-DISCONTINUITY", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("#EXT-X-DISCONTINUITY-SEQUENCE", StringComparison.Ordinal));
    }

    [Fact]
    public void DiscontinuityOnDiscontinuity_TagsOnlyBeforeAFlaggedFragment_NotBeforeTheFirst()
    {
        var lines = Lines(Media(FixtureFragments.Make(5, discontinuity: i => i is 0 or 3), sequence: 7));

        Assert.Contains("#EXT-X-DISCONTINUITY-SEQUENCE:7", lines);
        var tag = Assert.Single(lines, l => l == "#EXT-X-DISCONTINUITY");
        Assert.Equal("fragments/103.m4s", lines.Skip(Array.IndexOf(lines, tag)).First(l => !l.StartsWith('#')));
    }

    [Fact]
    public void DisplayTimestamps_WritesProgramDateTime_OfTheSelectedTimestamp()
    {
        var fragments = FixtureFragments.Make(2);
        var server = Lines(Media(fragments, display: true, type: FragmentTimestampType.ServerTimestamp)).Where(l => l.StartsWith("#EXT-X-PROGRAM-DATE-TIME:", StringComparison.Ordinal));
        var producer = Lines(Media(fragments, display: true, type: FragmentTimestampType.ProducerTimestamp)).Where(l => l.StartsWith("#EXT-X-PROGRAM-DATE-TIME:", StringComparison.Ordinal));

        Assert.Equal(["#EXT-X-PROGRAM-DATE-TIME:2026-11-30T12:00:00.000Z", "#EXT-X-PROGRAM-DATE-TIME:2026-11-30T12:00:02.000Z"], server);
        Assert.Equal(["#EXT-X-PROGRAM-DATE-TIME:2026-11-30T11:59:59.500Z", "#EXT-X-PROGRAM-DATE-TIME:2026-11-30T12:00:01.500Z"], producer);
    }

    [Fact]
    public void DisplayTimestampsNever_WritesNoProgramDateTime()
    {
        Assert.DoesNotContain("PROGRAM-DATE-TIME", Media(FixtureFragments.Make(3)), StringComparison.Ordinal);
    }

    [Fact]
    public void SessionToken_IsCarriedByEveryUri()
    {
        var lines = Lines(Media(FixtureFragments.Make(2), token: "abc_-"));

        Assert.Contains("#EXT-X-MAP:URI=\"init/i0.mp4?token=abc_-\"", lines);
        Assert.Contains("fragments/101.m4s?token=abc_-", lines);
    }

    [Fact]
    public void Master_AnnouncesBandwidthCodecsAndResolution()
    {
        var text = HlsPlaylistWriter.WriteMaster(new MasterPlaylistSpec(1_200_000, 900_000, "avc1.64001f,mp4a.40.2", 1280, 720, "media.m3u8?token=t"));

        Assert.Equal(
            "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-STREAM-INF:BANDWIDTH=1200000,AVERAGE-BANDWIDTH=900000,CODECS=\"avc1.64001f,mp4a.40.2\",RESOLUTION=1280x720\nmedia.m3u8?token=t\n",
            text);
    }

    [Fact]
    public void Master_WithoutVideo_LeavesResolutionOut()
    {
        Assert.DoesNotContain("RESOLUTION", HlsPlaylistWriter.WriteMaster(new MasterPlaylistSpec(128_000, 0, "mp4a.40.2", 0, 0, "media.m3u8")), StringComparison.Ordinal);
    }

    [Fact]
    public void Bandwidth_IsPeakAndMeanBitsPerSecond()
    {
        var fragments = FixtureFragments.Make(2);
        fragments[1] = fragments[1] with { Size = 500_000 };

        Assert.Equal((2_000_000L, 1_500_000L), HlsPlaylists.Bandwidth(fragments));
    }
}
