namespace Platform.Streams.Client.Model;

public sealed record ListShardsResponse
{
    public IReadOnlyList<Shard> Shards { get; init; } = [];

    public string? NextToken { get; init; }
}
