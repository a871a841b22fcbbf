namespace Platform.Triggers;

/// <summary>
/// Binds a function parameter to batches of records from a stream, with the settings of an AWS Lambda event source
/// mapping for Kinesis. A property set here overrides the <c>extensions.streams</c> section of host.json; one left
/// unset takes that section's value, else Lambda's default. <see cref="Stream"/> may name an app setting as
/// <c>%SettingName%</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class StreamTriggerAttribute(string stream) : Attribute
{
    private int? _batchSize;
    private int? _window;
    private bool? _bisect;
    private int? _retries;
    private int? _age;
    private int? _parallelization;

    /// <summary>The stream's name or ARN, or <c>%Setting%</c> to read it from app settings.</summary>
    public string Stream { get; } = stream;

    /// <summary>Records per batch, 1–10,000 (default 100). A batch also stops at 6 MB of payload.</summary>
    public int BatchSize { get => _batchSize ?? 0; set => _batchSize = value; }

    /// <summary>Seconds to gather records before invoking, 0–300 (default 0: invoke as soon as records exist).</summary>
    public int MaximumBatchingWindowInSeconds { get => _window ?? 0; set => _window = value; }

    /// <summary>TRIM_HORIZON (default), LATEST or AT_TIMESTAMP; used only when the function has no checkpoint yet.</summary>
    public string? StartingPosition { get; set; }

    /// <summary>For AT_TIMESTAMP: an ISO 8601 time or Unix seconds.</summary>
    public string? StartingPositionTimestamp { get; set; }

    /// <summary>On a function error split the batch in two and retry each half (default false).</summary>
    public bool BisectBatchOnFunctionError { get => _bisect ?? false; set => _bisect = value; }

    /// <summary>-1 (retry until the record expires, the default) or 0–10,000 retries after a function error.</summary>
    public int MaximumRetryAttempts { get => _retries ?? 0; set => _retries = value; }

    /// <summary>-1 (no limit, the default) or 60–604,800: older records skip the function and go to <see cref="OnFailure"/>.</summary>
    public int MaximumRecordAgeInSeconds { get => _age ?? 0; set => _age = value; }

    /// <summary>Concurrent batches per shard, 1–10 (default 1); order is kept per partition key.</summary>
    public int ParallelizationFactor { get => _parallelization ?? 0; set => _parallelization = value; }

    /// <summary>"ReportBatchItemFailures" to honour a returned <see cref="StreamBatchResponse"/>.</summary>
    public string? FunctionResponseTypes { get; set; }

    /// <summary>Where failed batches go: a stream name or ARN, or a blob container as <c>blob:name</c> (or <c>arn:aws:s3:::name</c>).</summary>
    public string? OnFailure { get; set; }

    internal int? BatchSizeValue => _batchSize;
    internal int? WindowValue => _window;
    internal bool? BisectValue => _bisect;
    internal int? RetriesValue => _retries;
    internal int? AgeValue => _age;
    internal int? ParallelizationValue => _parallelization;
}
