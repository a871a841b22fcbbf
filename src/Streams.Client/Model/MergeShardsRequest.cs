namespace Platform.Streams.Client.Model;

public sealed record MergeShardsRequest
{
    public string? StreamName { get; init; }

    public string? StreamARN { get; init; }

    public required string ShardToMerge { get; init; }

    /// <summary>Must be adjacent to <see cref="ShardToMerge"/> in hash-key space.</summary>
    public required string AdjacentShardToMerge { get; init; }
}
