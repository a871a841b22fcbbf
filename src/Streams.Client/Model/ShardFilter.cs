namespace Platform.Streams.Client.Model;

/// <summary>
/// Which shards ListShards returns. <see cref="Type"/> is one of AFTER_SHARD_ID, AT_TRIM_HORIZON,
/// FROM_TRIM_HORIZON, AT_LATEST, AT_TIMESTAMP, FROM_TIMESTAMP.
/// </summary>
public sealed record ShardFilter
{
    public required string Type { get; init; }

    public string? ShardId { get; init; }

    public DateTimeOffset? Timestamp { get; init; }
}
