namespace Platform.Streams.Client.Model;

public sealed record ChildShard
{
    public required string ShardId { get; init; }

    public IReadOnlyList<string> ParentShards { get; init; } = [];

    public required HashKeyRange HashKeyRange { get; init; }
}
