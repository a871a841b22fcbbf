namespace Platform.Streams.Client.Model;

public sealed record GetShardIteratorRequest
{
    public string? StreamName { get; init; }

    public string? StreamARN { get; init; }

    public required string ShardId { get; init; }

    public required ShardIteratorType ShardIteratorType { get; init; }

    /// <summary>For AT_SEQUENCE_NUMBER and AFTER_SEQUENCE_NUMBER.</summary>
    public string? StartingSequenceNumber { get; init; }

    /// <summary>For AT_TIMESTAMP.</summary>
    public DateTimeOffset? Timestamp { get; init; }
}
