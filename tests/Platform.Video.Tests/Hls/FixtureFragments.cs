using Platform.Video.Hls;
using Platform.Video.Store;

namespace Platform.Video.Tests.Hls;

/// <summary>Small fragment lists for pure tests: consecutive numbers, 2-second fragments, one init segment unless told.</summary>
internal static class FixtureFragments
{
    public static readonly DateTimeOffset Origin = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    public static List<FragmentInfo> Make(int count, long firstNumber = 100, double seconds = 2.0, string init = "i0", Func<int, bool>? discontinuity = null, Func<int, string>? initOf = null) =>
        [.. Enumerable.Range(0, count).Select(i => new FragmentInfo(
            firstNumber + i,
            initOf?.Invoke(i) ?? init,
            Origin.AddSeconds((i * seconds) - 0.5),
            Origin.AddSeconds(i * seconds),
            TimeSpan.FromSeconds(seconds),
            250_000,
            discontinuity?.Invoke(i) ?? false))];
    /// <summary>
    /// Each fragment's (media, discontinuity) sequence numbers as every successive window of four reports them: the
    /// window's first numbers from <paramref name="numbersOf"/>, then the tags the playlist writer puts between listed
    /// fragments. A fragment seen with more than one pair was numbered inconsistently.
    /// </summary>
    public static Dictionary<long, HashSet<(long, long)>> Slide(HlsDiscontinuityMode mode, List<FragmentInfo> all, Func<List<FragmentInfo>, (long Media, long Discontinuity)> numbersOf)
    {
        var seen = new Dictionary<long, HashSet<(long, long)>>();
        for (var start = 0; start + 4 <= all.Count; start++)
        {
            var window = all.GetRange(start, 4);
            var (media, d) = numbersOf(window);
            for (var i = 0; i < window.Count; i++)
            {
                if (i > 0 && (mode == HlsDiscontinuityMode.Always || (mode == HlsDiscontinuityMode.OnDiscontinuity && window[i].Discontinuity)))
                {
                    d++;
                }

                (seen.TryGetValue(window[i].Number, out var set) ? set : seen[window[i].Number] = []).Add((media + i, d));
            }
        }

        return seen;
    }
}
