using System.Globalization;

namespace Platform.Video.Store;

/// <summary>
/// Fragment numbers are the server timestamp in Unix milliseconds times 1,000 plus a counter, bumped past the previous
/// number when two fragments fall in one millisecond. So a number is monotonic per stream, across sessions and hosts
/// (a new session starts above the newest stored number), and tells which stream-hour holds its fragment without a lookup.
/// </summary>
public static class FragmentNumbers
{
    private const long PerMillisecond = 1000;

    /// <summary>The number for a fragment stored at <paramref name="now"/> after <paramref name="previous"/>.</summary>
    public static long Next(long previous, DateTimeOffset now) => Math.Max(now.ToUnixTimeMilliseconds() * PerMillisecond, previous + 1);

    /// <summary>The server timestamp a number stands for (millisecond precision).</summary>
    public static DateTimeOffset ServerTime(long number) => DateTimeOffset.FromUnixTimeMilliseconds(number / PerMillisecond);

    /// <summary>The init segment key: the publish session and its init segment id, safe in a URL path segment.</summary>
    public static string InitSegmentKey(long session, int initSegmentId) => string.Create(CultureInfo.InvariantCulture, $"{session}-{initSegmentId}");

    /// <summary>True for a key <see cref="InitSegmentKey"/> could have made (digits, one dash, digits).</summary>
    public static bool IsInitSegmentKey(string? key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > 40)
        {
            return false;
        }

        var dash = key.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 && dash < key.Length - 1 && key.AsSpan(0, dash).ContainsAnyExceptInRange('0', '9') is false
            && key.AsSpan(dash + 1).ContainsAnyExceptInRange('0', '9') is false;
    }
}
