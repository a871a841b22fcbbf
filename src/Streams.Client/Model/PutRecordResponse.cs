namespace Platform.Streams.Client.Model;

public sealed record PutRecordResponse
{
    public required string ShardId { get; init; }

    public required string SequenceNumber { get; init; }

    public string? EncryptionType { get; init; }
}
