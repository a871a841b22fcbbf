using System.Globalization;

namespace Platform.Testing;

/// <summary>
/// A child process's wall clock set ahead (or behind) by an offset with libfaketime (Debian package <c>faketime</c>,
/// preloaded into the process): its <c>DateTime.UtcNow</c> and <c>TimeProvider.System</c> run at real speed from real
/// time + <see cref="Offset"/>, so the production code under test keeps its own clock and needs no test hook. The
/// monotonic clock (<c>Stopwatch</c>, timers, timeouts) is left real, so only what the code reads as the date moves.
/// The offset lives in a file libfaketime re-reads every second, so a test can start a process at leisure and then
/// <see cref="JumpToAsync"/> the moment it needs (start-up time then costs nothing of a faked-time budget).
/// </summary>
public sealed class FakeWallClock : IDisposable
{
    /// <summary>How long a running process may take to see a jump (libfaketime re-reads the file every second).</summary>
    public static readonly TimeSpan PickUp = TimeSpan.FromSeconds(1.5);

    private static readonly string[] LibraryCandidates =
    [
        "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1",
        "/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1",
    ];

    private readonly string _file = Path.Combine(Path.GetTempPath(), $"faketime-{Guid.NewGuid():N}.rc");
    private long _offsetSeconds;

    private FakeWallClock()
    {
    }

    /// <summary>How far the process's wall clock is from the real one (whole seconds).</summary>
    public TimeSpan Offset => TimeSpan.FromSeconds(Interlocked.Read(ref _offsetSeconds));

    /// <summary>The process's current wall-clock time (after a jump, once it has been picked up).</summary>
    public DateTimeOffset Now => DateTimeOffset.UtcNow + Offset;

    /// <summary>A clock that shows <paramref name="fakeTime"/> now.</summary>
    public static FakeWallClock Showing(DateTimeOffset fakeTime)
    {
        var clock = new FakeWallClock();
        clock.Set(fakeTime);
        return clock;
    }

    /// <summary>Moves the clock to show <paramref name="fakeTime"/> now; a running process sees it within <see cref="PickUp"/>.</summary>
    public async Task JumpToAsync(DateTimeOffset fakeTime)
    {
        Set(fakeTime);
        await Task.Delay(PickUp);
    }

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
        return new Dictionary<string, string>
        {
            ["LD_PRELOAD"] = library,
            ["FAKETIME_TIMESTAMP_FILE"] = _file,
            ["FAKETIME_CACHE_DURATION"] = "1",
            // Both spellings: FAKETIME_DONT_FAKE_MONOTONIC is the documented one in libfaketime 0.9.10, the other older.
            ["FAKETIME_DONT_FAKE_MONOTONIC"] = "1",
            ["DONT_FAKE_MONOTONIC"] = "1",
        };
    }

    public void Dispose() => File.Delete(_file);

    private void Set(DateTimeOffset fakeTime)
    {
        var seconds = (long)Math.Round((fakeTime - DateTimeOffset.UtcNow).TotalSeconds);

        // A relative offset ("+N" seconds): the clock advances in real time from real time + N. Written aside and
        // moved into place, so libfaketime never reads half a file.
        var text = (seconds >= 0 ? "+" : "-") + Math.Abs(seconds).ToString(CultureInfo.InvariantCulture) + "\n";
        var staging = _file + ".new";
        File.WriteAllText(staging, text);
        File.Move(staging, _file, overwrite: true);
        Interlocked.Exchange(ref _offsetSeconds, seconds);
    }
}
