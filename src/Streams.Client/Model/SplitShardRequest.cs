namespace Platform.Streams.Client.Model;

public sealed record SplitShardRequest
{
    public string? StreamName { get; init; }

    public string? StreamARN { get; init; }

    public required string ShardToSplit { get; init; }

    /// <summary>Decimal hash key where the second child starts; strictly inside the parent's range.</summary>
    public required string NewStartingHashKey { get; init; }
}
