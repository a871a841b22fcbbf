using Platform.Testing;
using Platform.Video.Hls;
using Platform.Video.Store;

namespace Platform.Video.Tests.Hls;

public class StoredSequencesTests
{
    /// <summary>Fragments as the store records them: sparse numbers, ordinals from <paramref name="firstOrdinal"/>, running discontinuity counts.</summary>
    private static List<FragmentInfo> Stored(int count, long firstOrdinal = 500, long discontinuitiesBefore = 7, Func<int, bool>? discontinuity = null)
    {
        var counted = discontinuitiesBefore;
        return [.. FixtureFragments.Make(count, firstNumber: 0, discontinuity: discontinuity).Select((f, i) => f with
        {
            Number = 1_764_000_000_000_000 + (f.Number * 2_000_137),
            Ordinal = firstOrdinal + i,
            DiscontinuityCount = counted += f.Discontinuity ? 1 : 0,
        })];
    }

    /// <summary>Each fragment's (media, discontinuity) sequence numbers as every window of four reports them, following
    /// the tags the playlist writer puts between listed fragments.</summary>
    private static Dictionary<long, HashSet<(long, long)>> Slide(HlsDiscontinuityMode mode, List<FragmentInfo> all) =>
        FixtureFragments.Slide(mode, all, window =>
        {
            Assert.True(StoredSequences.TryFor(mode, window, out var media, out var d));
            return (media, d);
        });

    [Theory]
    [InlineData(HlsDiscontinuityMode.Always)]
    [InlineData(HlsDiscontinuityMode.OnDiscontinuity)]
    [InlineData(HlsDiscontinuityMode.Never)]
    public void EverySlidingWindow_GivesEachFragmentItsOrdinal_AndOneDiscontinuitySequenceNumber(HlsDiscontinuityMode mode)
    {
        var all = Stored(12, discontinuity: i => i is 0 or 3 or 7 or 8);

        var seen = Slide(mode, all);

        Assert.All(seen.Values, set => Assert.Single(set));
        Assert.Equal(all.Select(f => f.Ordinal), all.Select(f => seen[f.Number].Single().Item1));
        var expected = mode switch
        {
            HlsDiscontinuityMode.Always => all.Select(f => f.Ordinal),
            HlsDiscontinuityMode.OnDiscontinuity => all.Select(f => f.DiscontinuityCount),
            _ => all.Select(_ => 0L),
        };
        Assert.Equal(expected, all.Select(f => seen[f.Number].Single().Item2));
    }

    [Fact]
    public void AWindowWithAFragmentStoredBeforeOrdinals_OrWithOrdinalsOutOfStep_IsLeftToTheFallback()
    {
        var all = Stored(5);

        Assert.False(StoredSequences.TryFor(HlsDiscontinuityMode.Always, [all[0] with { Ordinal = -1, DiscontinuityCount = -1 }, .. all.Skip(1)], out _, out _));
        Assert.False(StoredSequences.TryFor(HlsDiscontinuityMode.Always, [.. all.Take(2), .. all.Skip(3)], out _, out _));
        Assert.False(StoredSequences.TryFor(HlsDiscontinuityMode.OnDiscontinuity, [.. all.Take(2), all[2] with { DiscontinuityCount = all[2].DiscontinuityCount + 1 }], out _, out _));
        Assert.True(StoredSequences.TryFor(HlsDiscontinuityMode.OnDiscontinuity, all, out var media, out var discontinuity));
        Assert.Equal((500L, 7L), (media, discontinuity));
    }

    [Fact]
    public async Task APlaylistFirstServedByAnotherHostMidStream_ReadsTheSameAsOnTheHostThatServedItThroughout()
    {
        var time = new ManualTimeProvider(FixtureFragments.Origin.AddSeconds(30));
        var reader = new MemoryFragmentReader(time);
        foreach (var f in Stored(30, firstOrdinal: 0, discontinuitiesBefore: 0, discontinuity: i => i is 0 or 17))
        {
            reader.Add("s", f, [1]);
        }

        using var sequencesA = new PlaylistSequences();
        using var sequencesB = new PlaylistSequences();
        var hostA = new HlsPlaylists(reader, sequencesA, time);
        var hostB = new HlsPlaylists(reader, sequencesB, time);
        foreach (var mode in new[] { HlsDiscontinuityMode.Always, HlsDiscontinuityMode.OnDiscontinuity, HlsDiscontinuityMode.Never })
        {
            var session = new HlsSession("s", HlsPlaybackMode.Live, FragmentTimestampType.ServerTimestamp, null, null, mode, false, 5, time.GetUtcNow(), time.GetUtcNow().AddHours(1));
            for (var step = 0; step < 12; step++)
            {
                var a = await hostA.MediaAsync(session, "t", CancellationToken.None);

                // Host B serves every fourth reload only, as a balancer without affinity might send it.
                if (step % 4 == 3)
                {
                    var b = await hostB.MediaAsync(session, "t", CancellationToken.None);
                    Assert.Equal(a!.Value.Text, b!.Value.Text);
                }

                time.Advance(TimeSpan.FromSeconds(2));
            }

            time.Advance(TimeSpan.FromSeconds(-24));
        }

        var last = (await hostB.MediaAsync(new HlsSession("s", HlsPlaybackMode.Live, FragmentTimestampType.ServerTimestamp, null, null, HlsDiscontinuityMode.OnDiscontinuity, false, 5, time.GetUtcNow(), time.GetUtcNow().AddHours(1)), "t", CancellationToken.None))!.Value;
        Assert.Contains("#EXT-X-MEDIA-SEQUENCE:" + (last.Window.Fragments[0].Ordinal), last.Text, StringComparison.Ordinal);
    }
}
