using System.Text.Json.Serialization;

namespace Platform.Streams.Client.Model;

/// <summary>A shard; closed once <see cref="SequenceNumberRange"/> has an ending sequence number.</summary>
public sealed record Shard
{
    public required string ShardId { get; init; }

    public string? ParentShardId { get; init; }

    public string? AdjacentParentShardId { get; init; }

    public required HashKeyRange HashKeyRange { get; init; }

    public required SequenceNumberRange SequenceNumberRange { get; init; }

    [JsonIgnore]
    public bool IsClosed => SequenceNumberRange.EndingSequenceNumber is not null;
}
