using Platform.Video.Hls;

namespace Platform.Video.Tests.Hls;

public class DiscontinuitySequencesTests
{
    [Fact]
    public void SlidingPastADiscontinuity_KeepsEveryFragmentsSequenceNumber()
    {
        using var sequences = new DiscontinuitySequences();
        var all = FixtureFragments.Make(10, firstNumber: 0, discontinuity: i => i is 3 or 6);

        // Each fragment's discontinuity sequence number as every successive window of four reports it.
        var seen = new Dictionary<long, HashSet<long>>();
        for (var start = 0; start + 4 <= all.Count; start++)
        {
            var window = all.GetRange(start, 4);
            var sequence = sequences.For("k", HlsDiscontinuityMode.OnDiscontinuity, window);
            for (var i = 0; i < window.Count; i++)
            {
                if (i > 0 && window[i].Discontinuity)
                {
                    sequence++;
                }

                (seen.TryGetValue(window[i].Number, out var set) ? set : seen[window[i].Number] = []).Add(sequence);
            }
        }

        Assert.All(seen.Values, set => Assert.Single(set));
        Assert.Equal(0, seen[2].Single());
        Assert.Equal(1, seen[3].Single());
        Assert.Equal(2, seen[9].Single());
    }

    [Fact]
    public void Always_CountsFromTheFragmentNumber()
    {
        using var sequences = new DiscontinuitySequences();

        Assert.Equal(57, sequences.For("k", HlsDiscontinuityMode.Always, FixtureFragments.Make(3, firstNumber: 57)));
    }

    [Fact]
    public void Never_IsZero()
    {
        using var sequences = new DiscontinuitySequences();

        Assert.Equal(0, sequences.For("k", HlsDiscontinuityMode.Never, FixtureFragments.Make(3, firstNumber: 57, discontinuity: _ => true)));
    }
}
