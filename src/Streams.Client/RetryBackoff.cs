namespace Platform.Streams.Client;

/// <summary>Exponential backoff with equal jitter, for the producer's retries and the consumer's: attempt n waits between half and all of min(max, min·2^(n−1)).</summary>
internal static class RetryBackoff
{
    public static TimeSpan Delay(int attempt, TimeSpan min, TimeSpan max, double random)
    {
        var exponent = Math.Min(Math.Max(attempt - 1, 0), 30);
        var ceiling = Math.Min(max.TotalMilliseconds, min.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds((ceiling / 2) + (ceiling / 2 * random));
    }
}
