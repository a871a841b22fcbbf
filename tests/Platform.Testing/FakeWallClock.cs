using System.Globalization;

namespace Platform.Testing;

/// <summary>
/// A child process's wall clock set ahead (or behind) by a fixed offset with libfaketime (Debian package
/// <c>faketime</c>, preloaded into the process): its <c>DateTime.UtcNow</c> and <c>TimeProvider.System</c> run at real
/// speed from real time + <see cref="Offset"/>, so the production code under test keeps its own clock and needs no
/// test hook. The monotonic clock (<c>Stopwatch</c>, timers, timeouts) is left real, so only what the code reads as the
/// date moves. The offset is whole seconds: the test knows the process's time exactly as <see cref="Now"/>.
/// </summary>
public sealed record FakeWallClock
{
    private static readonly string[] LibraryCandidates =
    [
        "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1",
        "/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1",
    ];

    private FakeWallClock(TimeSpan offset) => Offset = offset;

    /// <summary>How far the process's wall clock is from the real one.</summary>
    public TimeSpan Offset { get; }

    /// <summary>The process's current wall-clock time.</summary>
    public DateTimeOffset Now => DateTimeOffset.UtcNow + Offset;

    /// <summary>A clock that shows <paramref name="fakeTime"/> when the real clock shows <paramref name="realTime"/> (to the second).</summary>
    public static FakeWallClock Showing(DateTimeOffset fakeTime, DateTimeOffset realTime) =>
        new(TimeSpan.FromSeconds(Math.Round((fakeTime - realTime).TotalSeconds)));

    /// <summary>How long until the process's clock shows <paramref name="fakeTime"/> (zero when it already has).</summary>
    public TimeSpan Until(DateTimeOffset fakeTime)
    {
        var left = fakeTime - Now;
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    /// <summary>The environment that starts a process on this clock.</summary>
    /// <exception cref="InvalidOperationException">libfaketime is not installed.</exception>
    public IReadOnlyDictionary<string, string> Environment()
    {
        var library = LibraryCandidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("libfaketime is not installed; install the Debian package faketime (infra/setup.sh does).");
        var seconds = (long)Offset.TotalSeconds;
        return new Dictionary<string, string>
        {
            ["LD_PRELOAD"] = library,
            // A relative offset ("+N" seconds), so the clock advances in real time from real time + N.
            ["FAKETIME"] = (seconds >= 0 ? "+" : "-") + Math.Abs(seconds).ToString(CultureInfo.InvariantCulture),
            ["DONT_FAKE_MONOTONIC"] = "1",
        };
    }
}
