namespace Platform.Triggers.Settings;

/// <summary>One function's effective event source mapping, after host.json defaults and attribute overrides, validated.</summary>
public sealed record StreamTriggerSettings
{
    public required string FunctionName { get; init; }

    public required string Stream { get; init; }

    public int BatchSize { get; init; } = 100;

    /// <summary>A batch stops at this many bytes of data (Lambda's 6 MB invocation payload).</summary>
    public long MaxBatchBytes { get; init; } = 6L * 1024 * 1024;

    public TimeSpan MaximumBatchingWindow { get; init; }

    public StartingPosition StartingPosition { get; init; } = StartingPosition.TrimHorizon;

    public DateTimeOffset? StartingPositionTimestamp { get; init; }

    public bool BisectBatchOnFunctionError { get; init; }

    public int MaximumRetryAttempts { get; init; } = -1;

    /// <summary>Null when records never age out (only stream retention removes them).</summary>
    public TimeSpan? MaximumRecordAge { get; init; }

    public int ParallelizationFactor { get; init; } = 1;

    public bool ReportBatchItemFailures { get; init; }

    public string? OnFailure { get; init; }

    public TimeSpan FunctionTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);
}
