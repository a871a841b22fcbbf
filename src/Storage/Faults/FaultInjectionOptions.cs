namespace Platform.Storage.Faults;

/// <summary>How often and how the <see cref="FaultInjectingBlobStore"/> misbehaves. Rates are probabilities per call (0–1).</summary>
public sealed record FaultInjectionOptions
{
    /// <summary>Calls that fail with a transient error before reaching storage (nothing happened).</summary>
    public double TransientFailureRate { get; init; }

    /// <summary>
    /// Writes that reach storage and take effect, then report a transient error anyway — the lost-response
    /// case that makes a naive retry write twice.
    /// </summary>
    public double FailureAfterWriteRate { get; init; }

    /// <summary>Calls delayed by a random latency in [<see cref="MinLatency"/>, <see cref="MaxLatency"/>].</summary>
    public double LatencyRate { get; init; }

    public TimeSpan MinLatency { get; init; } = TimeSpan.FromMilliseconds(1);

    public TimeSpan MaxLatency { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Seed for reproducible fault sequences; null picks one at random.</summary>
    public int? Seed { get; init; }

    public void Validate()
    {
        foreach (var (name, rate) in new[] { (nameof(TransientFailureRate), TransientFailureRate), (nameof(FailureAfterWriteRate), FailureAfterWriteRate), (nameof(LatencyRate), LatencyRate) })
        {
            if (rate is < 0 or > 1 || double.IsNaN(rate))
            {
                throw new ArgumentOutOfRangeException(name, rate, $"{name} is a probability from 0 to 1.");
            }
        }

        if (MinLatency < TimeSpan.Zero || MaxLatency < MinLatency)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxLatency), MaxLatency, "Latency bounds need 0 <= MinLatency <= MaxLatency.");
        }
    }
}
