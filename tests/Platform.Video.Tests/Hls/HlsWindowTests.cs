using Platform.Testing;
using Platform.Video.Hls;
using Platform.Video.Store;

namespace Platform.Video.Tests.Hls;

public class HlsWindowTests
{
    private static (MemoryFragmentReader Reader, ManualTimeProvider Time) Stream(int count)
    {
        // All `count` fragments complete by the start of the test clock.
        var time = new ManualTimeProvider(FixtureFragments.Origin.AddSeconds(count * 2));
        var reader = new MemoryFragmentReader(time);
        foreach (var f in FixtureFragments.Make(count, firstNumber: 0))
        {
            reader.Add("s", f, [1]);
        }

        return (reader, time);
    }

    private static HlsSession Session(HlsPlaybackMode mode, DateTimeOffset created, DateTimeOffset? start = null, DateTimeOffset? end = null, int max = 5) =>
        new("s", mode, FragmentTimestampType.ServerTimestamp, start, end, HlsDiscontinuityMode.OnDiscontinuity, false, max, created, created.AddHours(1));

    [Fact]
    public async Task Live_ListsTheNewestFragments_AndNeverEnds()
    {
        var (reader, time) = Stream(20);

        var window = await HlsWindow.SelectAsync(reader, Session(HlsPlaybackMode.Live, time.GetUtcNow()), time.GetUtcNow(), default);

        Assert.Equal([15L, 16, 17, 18, 19], window.Fragments.Select(f => f.Number));
        Assert.False(window.Ended);
    }

    [Fact]
    public async Task OnDemand_ListsTheOldestInRange_UpToTheMaximum_AndEnds()
    {
        var (reader, time) = Stream(20);
        var session = Session(HlsPlaybackMode.OnDemand, time.GetUtcNow(), FixtureFragments.Origin.AddSeconds(10), FixtureFragments.Origin.AddSeconds(30), max: 4);

        var window = await HlsWindow.SelectAsync(reader, session, time.GetUtcNow(), default);

        Assert.Equal([5L, 6, 7, 8], window.Fragments.Select(f => f.Number));
        Assert.True(window.Ended);
        Assert.Equal("VOD", window.PlaylistType);
    }

    [Fact]
    public async Task LiveReplay_StartsAtTheStartTimestamp_AndMovesForwardInRealTime()
    {
        var (reader, time) = Stream(40);
        var created = time.GetUtcNow();
        var session = Session(HlsPlaybackMode.LiveReplay, created, FixtureFragments.Origin.AddSeconds(4));

        var first = await HlsWindow.SelectAsync(reader, session, created, default);
        var later = await HlsWindow.SelectAsync(reader, session, created.AddSeconds(10), default);

        Assert.Equal([2L, 3, 4, 5, 6], first.Fragments.Select(f => f.Number));
        Assert.Equal([7L, 8, 9, 10, 11], later.Fragments.Select(f => f.Number));
        Assert.False(later.Ended);
    }

    [Fact]
    public async Task LiveReplay_AddsTheNextFragmentEachTimeItsDurationElapses_SkippingAGapInTheRecording()
    {
        // Six 2-second fragments, the camera off for ten minutes, then ten more: replay runs on fragment durations
        // (as Kinesis Video Streams adds them), so the gap costs no waiting, where a clock-driven position would stall
        // the player for the ten minutes.
        var time = new ManualTimeProvider(FixtureFragments.Origin.AddMinutes(20));
        var reader = new MemoryFragmentReader(time);
        var before = FixtureFragments.Make(6, firstNumber: 0);
        var after = FixtureFragments.Make(10, firstNumber: 6).Select(f => f with
        {
            ProducerTime = f.ProducerTime.AddMinutes(10).AddSeconds(12),
            ServerTime = f.ServerTime.AddMinutes(10).AddSeconds(12),
        });
        foreach (var f in before.Concat(after))
        {
            reader.Add("s", f, [1]);
        }

        var created = time.GetUtcNow();
        var session = Session(HlsPlaybackMode.LiveReplay, created, FixtureFragments.Origin, max: 3);

        async Task<long[]> At(double seconds) =>
            [.. (await HlsWindow.SelectAsync(reader, session, created.AddSeconds(seconds), default)).Fragments.Select(f => f.Number)];

        Assert.Equal(new long[] { 0, 1, 2 }, await At(0));
        Assert.Equal(new long[] { 0, 1, 2 }, await At(1.9));
        Assert.Equal(new long[] { 1, 2, 3 }, await At(2));
        Assert.Equal(new long[] { 4, 5, 6 }, await At(8)); // the first fragment after the gap joins 2 s after the last one before it
        Assert.Equal(new long[] { 7, 8, 9 }, await At(14));
        Assert.Equal(new long[] { 10, 11, 12 }, await At(20));
    }

    [Fact]
    public async Task LiveReplay_OverLongerFragments_AddsThemAtTheirOwnPace()
    {
        var time = new ManualTimeProvider(FixtureFragments.Origin.AddMinutes(5));
        var reader = new MemoryFragmentReader(time);
        foreach (var f in FixtureFragments.Make(20, firstNumber: 0, seconds: 6))
        {
            reader.Add("s", f, [1]);
        }

        var created = time.GetUtcNow();
        var session = Session(HlsPlaybackMode.LiveReplay, created, FixtureFragments.Origin, max: 2);

        var window = await HlsWindow.SelectAsync(reader, session, created.AddSeconds(17), default);

        Assert.Equal([2L, 3], window.Fragments.Select(f => f.Number)); // two more 6-second fragments in 17 s, not a third
        Assert.False(window.Ended);
    }

    [Fact]
    public async Task LiveReplay_ThatCatchesUp_FollowsTheLiveEdge()
    {
        var (reader, time) = Stream(10);
        var created = time.GetUtcNow();
        var session = Session(HlsPlaybackMode.LiveReplay, created, FixtureFragments.Origin.AddSeconds(12));

        var window = await HlsWindow.SelectAsync(reader, session, created.AddSeconds(60), default);

        Assert.Equal([6L, 7, 8, 9], window.Fragments.Select(f => f.Number));
    }

    [Fact]
    public async Task LiveReplay_WithAnEndInThePast_EndsWithTheLastFragmentsInRange()
    {
        var (reader, time) = Stream(30);
        var created = time.GetUtcNow();
        var session = Session(HlsPlaybackMode.LiveReplay, created, FixtureFragments.Origin, FixtureFragments.Origin.AddSeconds(20), max: 3);

        var window = await HlsWindow.SelectAsync(reader, session, created.AddSeconds(30), default);

        Assert.Equal([8L, 9, 10], window.Fragments.Select(f => f.Number));
        Assert.True(window.Ended);
    }

    [Fact]
    public async Task UnknownStream_IsKeyNotFound()
    {
        var (reader, time) = Stream(1);

        await Assert.ThrowsAsync<KeyNotFoundException>(() => HlsWindow.SelectAsync(reader, Session(HlsPlaybackMode.Live, time.GetUtcNow()) with { Stream = "other" }, time.GetUtcNow(), default));
    }
}
