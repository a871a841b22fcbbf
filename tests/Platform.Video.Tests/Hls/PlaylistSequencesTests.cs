using Platform.Video.Hls;
using Platform.Video.Store;

namespace Platform.Video.Tests.Hls;

public class PlaylistSequencesTests
{
    /// <summary>Fragment numbers as the store makes them: timestamp-based, far from consecutive.</summary>
    private static List<FragmentInfo> Sparse(int count, Func<int, bool>? discontinuity = null) =>
        [.. FixtureFragments.Make(count, firstNumber: 0, discontinuity: discontinuity).Select(f => f with { Number = 1_764_000_000_000_000 + (f.Number * 2_000_137) })];

    /// <summary>Each fragment's (media, discontinuity) sequence numbers as every successive window of four reports them.</summary>
    private static Dictionary<long, HashSet<(long, long)>> Slide(PlaylistSequences sequences, HlsDiscontinuityMode mode, List<FragmentInfo> all) =>
        FixtureFragments.Slide(mode, all, window => sequences.For("k", mode, window));

    [Fact]
    public void SlidingWindow_GivesEveryFragmentOneConsecutiveMediaSequenceNumber_DespiteSparseFragmentNumbers()
    {
        using var sequences = new PlaylistSequences();
        var all = Sparse(10);

        var seen = Slide(sequences, HlsDiscontinuityMode.OnDiscontinuity, all);

        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), all.Select(f => seen[f.Number].Single().Item1));
    }

    [Fact]
    public void SlidingPastADiscontinuity_KeepsEveryFragmentsDiscontinuitySequenceNumber()
    {
        using var sequences = new PlaylistSequences();
        var all = Sparse(10, discontinuity: i => i is 3 or 6);

        var seen = Slide(sequences, HlsDiscontinuityMode.OnDiscontinuity, all);

        Assert.All(seen.Values, set => Assert.Single(set));
        Assert.Equal(0, seen[all[2].Number].Single().Item2);
        Assert.Equal(1, seen[all[3].Number].Single().Item2);
        Assert.Equal(2, seen[all[9].Number].Single().Item2);
    }

    [Fact]
    public void Always_KeepsEveryFragmentsDiscontinuitySequenceNumber()
    {
        using var sequences = new PlaylistSequences();

        var seen = Slide(sequences, HlsDiscontinuityMode.Always, Sparse(8));

        Assert.All(seen.Values, set => Assert.Single(set));
    }

    [Fact]
    public void AWindowPastTheLastOne_ContinuesAfterIt()
    {
        using var sequences = new PlaylistSequences();
        var all = Sparse(12);
        sequences.For("k", HlsDiscontinuityMode.Never, all.GetRange(0, 4));

        Assert.Equal((4L, 0L), sequences.For("k", HlsDiscontinuityMode.Never, all.GetRange(8, 4)));
    }

    [Fact]
    public void AWindowNumberedHereAfterStoredNumbers_ContinuesFromThem_InsteadOfStartingAtZero()
    {
        using var sequences = new PlaylistSequences();
        var all = Sparse(8, discontinuity: i => i == 5);

        // Served from the store's ordinals (first fragment 1,000, running discontinuity count 7)...
        sequences.Remember("k", HlsDiscontinuityMode.OnDiscontinuity, all.GetRange(0, 4), 1_000, 7);
        // ...then windows this host has to number itself, sliding by two.
        var (media, discontinuity) = sequences.For("k", HlsDiscontinuityMode.OnDiscontinuity, all.GetRange(2, 4));
        var (after, afterDiscontinuity) = sequences.For("k", HlsDiscontinuityMode.OnDiscontinuity, all.GetRange(4, 4));

        Assert.Equal((1_002L, 7L), (media, discontinuity));
        Assert.Equal((1_004L, 7L), (after, afterDiscontinuity)); // fragment 5's discontinuity is inside this window
    }
}
