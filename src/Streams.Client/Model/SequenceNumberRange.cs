namespace Platform.Streams.Client.Model;

public sealed record SequenceNumberRange
{
    public required string StartingSequenceNumber { get; init; }

    /// <summary>Null while the shard is open.</summary>
    public string? EndingSequenceNumber { get; init; }
}
