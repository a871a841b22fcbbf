using Platform.Storage;

namespace Platform.Streams.Log;

/// <summary>Group-commit settings of a <see cref="ShardWriter"/>.</summary>
public sealed record ShardWriterOptions
{
    /// <summary>Most bytes of frames one storage append carries.</summary>
    public int MaxBatchBytes { get; init; } = BlobLimits.MaxAppendBlockBytes;

    /// <summary>Puts that may wait for the writer; further callers wait for room (back-pressure).</summary>
    public int QueueCapacity { get; init; } = 10_000;

    /// <summary>
    /// Average least time between the starts of two appends (default 9 ms): caps storage writes near 100 a second per
    /// shard and host under full load, at the cost of up to this much queueing for puts that arrive meanwhile. The
    /// cap sits a little above 100 a second on purpose: a producer exactly at the cap could never pay back the credit
    /// a burst used, and would wait on every put from then on.
    /// </summary>
    public TimeSpan MinAppendInterval { get; init; } = TimeSpan.FromMilliseconds(9);

    /// <summary>
    /// Appends that may start back to back after a quiet spell (default 4): pacing allows this many at once and then
    /// one per <see cref="MinAppendInterval"/> on average, so a producer just under the cap is not delayed by timer
    /// jitter, and storage writes in any second stay within this many of the cap.
    /// </summary>
    public int AppendBurst { get; init; } = 4;

    /// <summary>Clock for pacing (tests may substitute one).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public void Validate()
    {
        if (MaxBatchBytes < Records.RecordFrame.MaxFrameBytes || MaxBatchBytes > BlobLimits.MaxAppendBlockBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatchBytes), MaxBatchBytes, $"MaxBatchBytes is {Records.RecordFrame.MaxFrameBytes} to {BlobLimits.MaxAppendBlockBytes}.");
        }

        if (MinAppendInterval < TimeSpan.Zero || MinAppendInterval > TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(MinAppendInterval), MinAppendInterval, "MinAppendInterval is 0 to 1 second.");
        }

        if (AppendBurst is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(AppendBurst), AppendBurst, "AppendBurst is 1 to 100.");
        }

        if (QueueCapacity is < 1 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(QueueCapacity), QueueCapacity, "QueueCapacity is 1 to 1,000,000.");
        }
    }
}
