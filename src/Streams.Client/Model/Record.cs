namespace Platform.Streams.Client.Model;

public sealed record Record
{
    public required string SequenceNumber { get; init; }

    public DateTimeOffset ApproximateArrivalTimestamp { get; init; }

    public required ReadOnlyMemory<byte> Data { get; init; }

    public required string PartitionKey { get; init; }

    public string? EncryptionType { get; init; }
}
