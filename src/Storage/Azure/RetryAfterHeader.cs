using System.Globalization;

namespace Platform.Storage.Azure;

/// <summary>Reads how long a response asked the client to wait: <c>x-ms-retry-after-ms</c>, else <c>Retry-After</c>.</summary>
public static class RetryAfterHeader
{
    /// <summary>
    /// <c>x-ms-retry-after-ms</c> (milliseconds) wins when present and valid; otherwise <c>Retry-After</c> as delta
    /// seconds or as an HTTP date (relative to <paramref name="now"/>, never negative). Null when neither says.
    /// </summary>
    public static TimeSpan? Parse(HttpResponseMessage response, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(response);
        return Parse(AzureHeaders.Get(response, AzureHeaders.RetryAfterMs), AzureHeaders.Get(response, "Retry-After"), now);
    }

    /// <summary>The same rules over raw header values (either may be null).</summary>
    public static TimeSpan? Parse(string? retryAfterMs, string? retryAfter, DateTimeOffset now)
    {
        if (double.TryParse(retryAfterMs, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0 && double.IsFinite(ms))
        {
            return TimeSpan.FromMilliseconds(Math.Min(ms, TimeSpan.MaxValue.TotalMilliseconds / 2));
        }

        if (string.IsNullOrWhiteSpace(retryAfter))
        {
            return null;
        }

        var value = retryAfter.Trim();
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(Math.Min(seconds, (long)TimeSpan.MaxValue.TotalSeconds / 2));
        }

        if (AzureHeaders.ParseHttpDate(value) is { } date)
        {
            var wait = date - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }
}
