namespace Platform.Storage.Resilience;

/// <summary>Pure backoff arithmetic, shared by the HTTP retry handler and the retrying store decorator.</summary>
public static class RetryDelays
{
    /// <summary>
    /// The wait before retry number <paramref name="retry"/> (1-based): a random value in
    /// [0, min(MaxDelay, BaseDelay·2^(retry-1))] ("full jitter"), but never less than a server's
    /// <paramref name="retryAfter"/> (capped at MaxDelay so a hostile header cannot stall us).
    /// </summary>
    public static TimeSpan Next(RetryOptions options, int retry, TimeSpan? retryAfter, double random01)
    {
        var exponent = Math.Min(retry - 1, 30);
        var ceiling = Math.Min(options.MaxDelay.TotalMilliseconds, options.BaseDelay.TotalMilliseconds * Math.Pow(2, exponent));
        var delay = TimeSpan.FromMilliseconds(ceiling * Math.Clamp(random01, 0, 1));
        if (retryAfter is { } after && after > delay)
        {
            delay = after > options.MaxDelay ? options.MaxDelay : after;
        }

        return delay;
    }
}
