namespace Platform.Triggers.Settings;

/// <summary>
/// The <c>extensions.streams</c> section of host.json: defaults for every stream-triggered function (an attribute
/// property overrides them) and the host's lease, polling and checkpoint behaviour. Names follow Lambda's event
/// source mapping parameters in camelCase, as host.json does.
/// </summary>
public sealed class StreamsExtensionOptions
{
    public const string Section = "Host:extensions:streams";

    public int BatchSize { get; set; } = 100;

    public int MaximumBatchingWindowInSeconds { get; set; }

    public string StartingPosition { get; set; } = "TRIM_HORIZON";

    public string? StartingPositionTimestamp { get; set; }

    public bool BisectBatchOnFunctionError { get; set; }

    public int MaximumRetryAttempts { get; set; } = -1;

    public int MaximumRecordAgeInSeconds { get; set; } = -1;

    public int ParallelizationFactor { get; set; } = 1;

    /// <summary>Either <c>["ReportBatchItemFailures"]</c> or empty.</summary>
    public List<string> FunctionResponseTypes { get; set; } = [];

    public string? OnFailure { get; set; }

    /// <summary>Seconds after which a silent host's shards are taken over by others (2–300, default 10).</summary>
    public double LeaseFailoverSeconds { get; set; } = 10;

    /// <summary>How often a host looks for records other hosts wrote to a stream it has caught up with, while that
    /// stream is active (10–60,000 ms, default 250). One look is one listing per stream, shared by all its shards and
    /// functions; records written by this host wake the trigger at once.</summary>
    public int PollIntervalMilliseconds { get; set; } = 250;

    /// <summary>The interval the look for other hosts' records backs off to, doubling, while a stream stays
    /// unchanged (pollIntervalMilliseconds–300,000 ms, default 10,000): the longest a record written by another host
    /// to a long-idle stream waits to be seen.</summary>
    public int IdlePollIntervalMilliseconds { get; set; } = 10_000;

    /// <summary>Least time between checkpoint writes of a busy shard (0–60,000 ms, default 1,000); a shard's
    /// position is also written when it is released, finished or the host stops. A crash replays at most this much.</summary>
    public int CheckpointIntervalMilliseconds { get; set; } = 1000;

    /// <summary>How long a stopping host lets in-flight batches finish before cancelling them (0–600 s, default 30).</summary>
    public double DrainTimeoutSeconds { get; set; } = 30;

    /// <summary>First delay before retrying a failed batch (doubles per retry up to 5 s; 0–60,000 ms, default 100).</summary>
    public int RetryDelayMilliseconds { get; set; } = 100;
}
