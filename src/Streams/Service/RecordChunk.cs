using Platform.Streams.Log;

namespace Platform.Streams.Service;

/// <summary>
/// One bulk read of a shard through an iterator (<see cref="StreamService.ReadChunkAsync"/>): the frames of
/// <see cref="Frames"/> from index <see cref="First"/> on are the records (earlier ones fall before an AT_TIMESTAMP
/// start). <see cref="NextShardIterator"/> is null once a closed shard has been read to its end.
/// </summary>
/// <param name="Frames">The located frames of one storage read.</param>
/// <param name="First">The first frame that is a record of this read.</param>
/// <param name="NextShardIterator">Where to continue, or null at the end of a closed shard.</param>
/// <param name="ChildShards">The shards that follow a closed one, at its end.</param>
public sealed record RecordChunk(ShardFrames Frames, int First, string? NextShardIterator, IReadOnlyList<ChildShardInfo>? ChildShards)
{
    /// <summary>How many records the chunk holds.</summary>
    public int Count => Frames.Count - First;

    /// <summary>True when the read reached the shard's end as storage knew it.</summary>
    public bool CaughtUp => Frames.CaughtUp;
}
