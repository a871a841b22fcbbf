namespace Platform.Streams.Client.Consumer;

/// <summary>Settings of a <see cref="KinesisConsumer"/>.</summary>
public sealed class KinesisConsumerOptions
{
    /// <summary>The stream to read. Required.</summary>
    public string StreamName { get; set; } = "";

    /// <summary>Where to start in the shards open at start. Default <see cref="StartPosition.TrimHorizon"/>.</summary>
    public StartPosition StartPosition { get; set; } = StartPosition.TrimHorizon;

    /// <summary>GetRecords Limit, 1 to 10,000. Default 10,000.</summary>
    public int MaxRecordsPerRead { get; set; } = 10_000;

    /// <summary>The pause between reads of a shard that is caught up. Kinesis allows 5 reads per shard per second. Default 200 ms.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Empty reads double the pause up to this. Default 1 s.</summary>
    public TimeSpan MaxIdleDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often ListShards looks for new shards (a split or merge elsewhere). Default 10 s.</summary>
    public TimeSpan ShardDiscoveryInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Records read ahead of the enumerator; shard readers wait when it is full. Default 1,000.</summary>
    public int MaxBufferedRecords { get; set; } = 1_000;

    /// <summary>The first backoff after a transient error (throttling, 5xx, network). Default 100 ms.</summary>
    public TimeSpan MinBackoff { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest backoff after repeated transient errors. Default 5 s.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        static void Check(bool ok, string message)
        {
            if (!ok)
            {
                throw new ArgumentException("KinesisConsumerOptions." + message);
            }
        }

        Check(!string.IsNullOrWhiteSpace(StreamName), "StreamName is required.");
        Check(Enum.IsDefined(StartPosition), $"StartPosition {StartPosition} is not a start position.");
        Check(MaxRecordsPerRead is >= 1 and <= 10_000, $"MaxRecordsPerRead must be 1 to 10,000, not {MaxRecordsPerRead}.");
        Check(PollInterval >= TimeSpan.Zero, $"PollInterval must not be negative, not {PollInterval}.");
        Check(MaxIdleDelay >= PollInterval, $"MaxIdleDelay ({MaxIdleDelay}) must be at least PollInterval ({PollInterval}).");
        Check(ShardDiscoveryInterval > TimeSpan.Zero, $"ShardDiscoveryInterval must be positive, not {ShardDiscoveryInterval}.");
        Check(MaxBufferedRecords is >= 1 and <= 1_000_000, $"MaxBufferedRecords must be 1 to 1,000,000, not {MaxBufferedRecords}.");
        Check(MinBackoff > TimeSpan.Zero, $"MinBackoff must be positive, not {MinBackoff}.");
        Check(MaxBackoff >= MinBackoff, $"MaxBackoff ({MaxBackoff}) must be at least MinBackoff ({MinBackoff}).");
    }

    internal KinesisConsumerOptions Clone() => (KinesisConsumerOptions)MemberwiseClone();
}
