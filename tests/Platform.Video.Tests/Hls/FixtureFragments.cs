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
}
