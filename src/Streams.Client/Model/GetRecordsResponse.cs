namespace Platform.Streams.Client.Model;

/// <summary>
/// The records after the iterator. <see cref="NextShardIterator"/> is null once a closed shard has been
/// read to its end; <see cref="ChildShards"/> then names the shards to read next.
/// </summary>
public sealed record GetRecordsResponse
{
    public IReadOnlyList<Record> Records { get; init; } = [];

    public string? NextShardIterator { get; init; }

    public long? MillisBehindLatest { get; init; }

    public IReadOnlyList<ChildShard>? ChildShards { get; init; }
}
