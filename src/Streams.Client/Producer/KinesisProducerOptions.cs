namespace Platform.Streams.Client.Producer;

/// <summary>Settings of a <see cref="KinesisProducer"/>. Defaults follow the Kinesis Producer Library where it has one.</summary>
public sealed class KinesisProducerOptions
{
    /// <summary>Kinesis limit on records per PutRecords request.</summary>
    public const int MaxRecordsPerRequestLimit = 500;

    /// <summary>Kinesis limit on a PutRecords request: data plus partition keys, 5 MiB.</summary>
    public const int MaxBytesPerRequestLimit = 5 * 1024 * 1024;

    /// <summary>Kinesis limit on one record: data plus partition key, 1 MiB.</summary>
    public const int MaxRecordBytes = 1024 * 1024;

    /// <summary>The stream to write to. Required.</summary>
    public string StreamName { get; set; } = "";

    /// <summary>How long a record may wait for others to share its request before it is sent anyway. Default 100 ms.</summary>
    public TimeSpan Linger { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Records per PutRecords request, 1 to 500. Default 500.</summary>
    public int MaxRecordsPerRequest { get; set; } = MaxRecordsPerRequestLimit;

    /// <summary>Bytes (data plus partition keys) per request, up to 5 MiB. Default 5 MiB.</summary>
    public int MaxBytesPerRequest { get; set; } = MaxBytesPerRequestLimit;

    /// <summary>PutRecords requests in flight at once. Default 8.</summary>
    public int MaxRequestsInFlight { get; set; } = 8;

    /// <summary>Records added and not yet acknowledged before AddAsync waits. Default 10,000.</summary>
    public int MaxBufferedRecords { get; set; } = 10_000;

    /// <summary>Bytes added and not yet acknowledged before AddAsync waits. Default 64 MiB.</summary>
    public long MaxBufferedBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>How long a record is retried after it was added before its task fails with the last error. Default 30 s.</summary>
    public TimeSpan RecordTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The first retry's backoff ceiling; doubled per attempt, with jitter. Default 100 ms.</summary>
    public TimeSpan MinBackoff { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The largest backoff ceiling. Default 5 s.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Keep the records of each partition key in the order they were added, through retries and
    /// concurrent requests, by sending at most one record per key at a time. Default true. Set false
    /// for throughput with hot keys when order does not matter: records then batch freely, and a
    /// retried record lands after later ones of its key.
    /// </summary>
    public bool PreserveOrderPerPartitionKey { get; set; } = true;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        static void Check(bool ok, string message)
        {
            if (!ok)
            {
                throw new ArgumentException("KinesisProducerOptions." + message);
            }
        }

        Check(!string.IsNullOrWhiteSpace(StreamName), "StreamName is required.");
        Check(Linger >= TimeSpan.Zero, $"Linger must not be negative, not {Linger}.");
        Check(MaxRecordsPerRequest is >= 1 and <= MaxRecordsPerRequestLimit, $"MaxRecordsPerRequest must be 1 to {MaxRecordsPerRequestLimit}, not {MaxRecordsPerRequest}.");
        Check(MaxBytesPerRequest is >= MaxRecordBytes and <= MaxBytesPerRequestLimit,
            $"MaxBytesPerRequest must be {MaxRecordBytes} to {MaxBytesPerRequestLimit}, not {MaxBytesPerRequest}.");
        Check(MaxRequestsInFlight is >= 1 and <= 1000, $"MaxRequestsInFlight must be 1 to 1000, not {MaxRequestsInFlight}.");
        Check(MaxBufferedRecords is >= 1 and <= 10_000_000, $"MaxBufferedRecords must be 1 to 10,000,000, not {MaxBufferedRecords}.");
        Check(MaxBufferedBytes >= MaxRecordBytes, $"MaxBufferedBytes must be at least {MaxRecordBytes}, not {MaxBufferedBytes}.");
        Check(RecordTtl > TimeSpan.Zero, $"RecordTtl must be positive, not {RecordTtl}.");
        Check(MinBackoff > TimeSpan.Zero, $"MinBackoff must be positive, not {MinBackoff}.");
        Check(MaxBackoff >= MinBackoff, $"MaxBackoff ({MaxBackoff}) must be at least MinBackoff ({MinBackoff}).");
    }

    internal KinesisProducerOptions Clone() => (KinesisProducerOptions)MemberwiseClone();
}
