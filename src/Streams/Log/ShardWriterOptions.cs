using Platform.Storage;

namespace Platform.Streams.Log;

/// <summary>Group-commit settings of a <see cref="ShardWriter"/>.</summary>
public sealed record ShardWriterOptions
{
    /// <summary>Most bytes of frames one storage append carries.</summary>
    public int MaxBatchBytes { get; init; } = BlobLimits.MaxAppendBlockBytes;

    /// <summary>Puts that may wait for the writer; further callers wait for room (back-pressure).</summary>
    public int QueueCapacity { get; init; } = 10_000;

    public void Validate()
    {
        if (MaxBatchBytes < Records.RecordFrame.MaxFrameBytes || MaxBatchBytes > BlobLimits.MaxAppendBlockBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatchBytes), MaxBatchBytes, $"MaxBatchBytes is {Records.RecordFrame.MaxFrameBytes} to {BlobLimits.MaxAppendBlockBytes}.");
        }

        if (QueueCapacity is < 1 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(QueueCapacity), QueueCapacity, "QueueCapacity is 1 to 1,000,000.");
        }
    }
}
