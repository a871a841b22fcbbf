namespace Platform.Streams.Log;

/// <summary>Limits of one shard's log.</summary>
public sealed record ShardLogOptions
{
    /// <summary>A segment is closed and the next one started once an append would grow it past this size.</summary>
    public long SegmentMaxBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Most bytes one read fetches from storage.</summary>
    public int ReadChunkBytes { get; init; } = 4 * 1024 * 1024;

    public void Validate()
    {
        if (SegmentMaxBytes < 4096 || SegmentMaxBytes > SequenceNumber.MaxOffset)
        {
            throw new ArgumentOutOfRangeException(nameof(SegmentMaxBytes), SegmentMaxBytes, "SegmentMaxBytes is 4 KiB to 1 TiB.");
        }

        if (ReadChunkBytes < Records.RecordFrame.MaxFrameBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(ReadChunkBytes), ReadChunkBytes, $"ReadChunkBytes must hold the largest frame ({Records.RecordFrame.MaxFrameBytes} bytes).");
        }
    }
}
