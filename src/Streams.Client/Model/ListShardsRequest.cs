namespace Platform.Streams.Client.Model;

/// <summary>Either <see cref="StreamName"/> (first page) or <see cref="NextToken"/> (later pages), never both.</summary>
public sealed record ListShardsRequest
{
    public string? StreamName { get; init; }

    public string? StreamARN { get; init; }

    public string? NextToken { get; init; }

    public string? ExclusiveStartShardId { get; init; }

    public int? MaxResults { get; init; }

    public DateTimeOffset? StreamCreationTimestamp { get; init; }

    public ShardFilter? ShardFilter { get; init; }
}
