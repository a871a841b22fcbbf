namespace Platform.Streams.Client.Model;

public sealed record CreateStreamRequest
{
    public required string StreamName { get; init; }

    /// <summary>Number of shards; required in provisioned mode, omitted for on-demand.</summary>
    public int? ShardCount { get; init; }

    public StreamModeDetails? StreamModeDetails { get; init; }
}
