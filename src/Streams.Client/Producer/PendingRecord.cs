namespace Platform.Streams.Client.Producer;

/// <summary>A record from AddAsync until it is acknowledged or given up on. Owned by the producer's loop once admitted.</summary>
internal sealed class PendingRecord(string partitionKey, ReadOnlyMemory<byte> data, string? explicitHashKey, int size, long epoch)
{
    public string PartitionKey { get; } = partitionKey;

    public ReadOnlyMemory<byte> Data { get; } = data;

    public string? ExplicitHashKey { get; } = explicitHashKey;

    /// <summary>Bytes counted against the request and buffer limits: data plus UTF-8 partition key, as Kinesis counts.</summary>
    public int Size { get; } = size;

    /// <summary>The flush epoch the record was added in.</summary>
    public long Epoch { get; } = epoch;

    public TaskCompletionSource<RecordAcknowledgement> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When the record entered the send queue; linger counts from here.</summary>
    public DateTimeOffset QueuedAt { get; set; }

    /// <summary>After this, a failed attempt is not retried.</summary>
    public DateTimeOffset Deadline { get; set; }

    public int Attempts { get; set; }

    public KinesisException? LastError { get; set; }
}
