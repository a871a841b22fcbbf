namespace Platform.Streams.Client.Model;

public sealed record PutRecordsRequestEntry
{
    public required ReadOnlyMemory<byte> Data { get; init; }

    public string? ExplicitHashKey { get; init; }

    public required string PartitionKey { get; init; }
}
