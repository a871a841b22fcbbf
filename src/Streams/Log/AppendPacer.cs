namespace Platform.Streams.Log;

/// <summary>
/// Paces a shard's appends to one per interval on average while letting a few through at once after a quiet spell
/// (a token bucket kept as one "theoretical arrival time", the generic cell rate algorithm). Spacing every append by
/// the interval from the previous start made a steady producer at the cap fall a whole interval behind: each timer
/// overshoot pushed the next start later, until puts queued. With credit for the time that passed, an overshoot is
/// repaid by the next gap, so puts at or below the cap are appended as they come, and storage writes stay near
/// one per interval (at most <c>burst</c> more in any window) however high the put rate.
/// </summary>
public sealed class AppendPacer
{
    private readonly long _intervalTicks;
    private readonly long _toleranceTicks;
    private long _theoreticalTicks = long.MinValue;

    /// <param name="interval">The average least time between appends (zero: no pacing).</param>
    /// <param name="burst">How many appends may start back to back after a quiet spell (at least 1).</param>
    public AppendPacer(TimeSpan interval, int burst)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        _intervalTicks = interval.Ticks;
        _toleranceTicks = (burst - 1) * interval.Ticks;
    }

    /// <summary>
    /// Takes the next append's slot at time <paramref name="now"/> (any monotonic clock) and returns how long to
    /// wait before starting it (zero when it may start now).
    /// </summary>
    public TimeSpan Reserve(TimeSpan now)
    {
        var start = Math.Max(_theoreticalTicks, now.Ticks);
        var wait = Math.Max(0, start - now.Ticks - _toleranceTicks);
        _theoreticalTicks = start + _intervalTicks;
        return TimeSpan.FromTicks(wait);
    }
}
