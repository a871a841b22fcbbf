namespace Platform.Streams.Client.Model;

public sealed record PutRecordRequest
{
    public string? StreamName { get; init; }

    public string? StreamARN { get; init; }

    /// <summary>Up to 1 MiB including the partition key; sent base64-encoded.</summary>
    public required ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>1 to 256 Unicode characters; its MD5 picks the shard unless <see cref="ExplicitHashKey"/> is set.</summary>
    public required string PartitionKey { get; init; }

    /// <summary>Decimal 128-bit hash key that overrides the partition key's hash.</summary>
    public string? ExplicitHashKey { get; init; }

    /// <summary>Orders this record strictly after the record with that sequence number from the same producer.</summary>
    public string? SequenceNumberForOrdering { get; init; }
}
