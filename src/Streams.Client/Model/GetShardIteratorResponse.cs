namespace Platform.Streams.Client.Model;

public sealed record GetShardIteratorResponse
{
    /// <summary>Valid for 5 minutes; null when the shard is closed and has nothing at that position.</summary>
    public string? ShardIterator { get; init; }
}
