namespace Platform.Streams.Client.Model;

/// <summary>Either ShardId and SequenceNumber (stored) or ErrorCode and ErrorMessage (not stored).</summary>
public sealed record PutRecordsResultEntry
{
    public string? SequenceNumber { get; init; }

    public string? ShardId { get; init; }

    /// <summary>ProvisionedThroughputExceededException or InternalFailure (both worth retrying), or a KMS error.</summary>
    public string? ErrorCode { get; init; }

    public string? ErrorMessage { get; init; }
}
