namespace Platform.Storage.Resilience;

/// <summary>Exponential backoff with full jitter for transient storage failures.</summary>
public sealed record RetryOptions
{
    /// <summary>Retries after the first attempt (0 disables retrying).</summary>
    public int MaxRetries { get; init; } = 5;

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Timeout of a single attempt, upload and download included; an attempt that runs over is retried as transient.
    /// Raise it for very large blobs on slow links.
    /// </summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(100);

    public void Validate()
    {
        if (MaxRetries is < 0 or > 50)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetries), MaxRetries, "MaxRetries is 0 to 50.");
        }

        if (BaseDelay <= TimeSpan.Zero || MaxDelay < BaseDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(BaseDelay), BaseDelay, "BaseDelay must be positive and not above MaxDelay.");
        }

        if (AttemptTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(AttemptTimeout), AttemptTimeout, "AttemptTimeout must be positive.");
        }
    }
}
