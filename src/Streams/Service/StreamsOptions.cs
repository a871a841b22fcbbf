namespace Platform.Streams.Service;

/// <summary>Settings of the stream service, bound from <c>Platform:Streams</c>.</summary>
public sealed class StreamsOptions
{
    public const string Section = "Platform:Streams";

    /// <summary>Region named in ARNs and expected in request signatures.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>Account id named in ARNs.</summary>
    public string AccountId { get; set; } = "000000000000";

    /// <summary>Access keys accepted in SigV4 signatures; none (the local default) accepts any signature.</summary>
    public List<AccessKeyOptions> AccessKeys { get; set; } = [];

    /// <summary>How long a shard iterator is valid (Kinesis: 300 s).</summary>
    public int IteratorTtlSeconds { get; set; } = 300;

    /// <summary>Enforce Kinesis's per-shard write limits (1 MiB/s and 1,000 records/s per shard, per host).</summary>
    public bool EnforceShardWriteLimits { get; set; }

    /// <summary>Size at which a shard's segment blob is sealed and the next one started.</summary>
    public long SegmentMaxBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// Average least time between two storage appends of one shard in one host (group commit pacing), 9 ms by default:
    /// at most ~111 appends a second, ~100 under full load, with room above a steady producer of 100 puts a second.
    /// </summary>
    public int MinAppendIntervalMs { get; set; } = 9;

    /// <summary>How often each host looks for data past retention and for work a crashed host left.</summary>
    public int MaintenanceIntervalSeconds { get; set; } = 60;

    /// <summary>How long a host trusts its cached copy of a stream's description for routing puts.</summary>
    public int MetadataCacheMs { get; set; } = 1000;

    /// <summary>Most shards in one stream (Kinesis's default account limit is 500 per region).</summary>
    public int MaxShardsPerStream { get; set; } = 500;

    /// <summary>
    /// Most record data one GetRecords answer carries, 1 MiB by default (Kinesis allows up to 10 MiB and may answer
    /// with fewer records than the Limit; Kafka's per-partition fetch is 1 MiB too). Clients buffer and parse a whole
    /// answer: the AWS SDK for JavaScript spends ~27 µs per 1 KiB record on 10 MiB answers and ~16 µs on 1 MiB ones,
    /// while a call costs this host ~50 µs. A record larger than this is still returned, alone.
    /// </summary>
    public long GetRecordsMaxBytes { get; set; } = 1024 * 1024;

    /// <summary>A list of problems, empty when the settings are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Region))
        {
            errors.Add($"{Section}:Region must not be empty.");
        }

        if (AccountId.Length != 12 || !AccountId.All(char.IsAsciiDigit))
        {
            errors.Add($"{Section}:AccountId must be 12 digits, not '{AccountId}'.");
        }

        if (IteratorTtlSeconds is < 1 or > 3600)
        {
            errors.Add($"{Section}:IteratorTtlSeconds must be 1 to 3600, not {IteratorTtlSeconds}.");
        }

        if (SegmentMaxBytes < 4096)
        {
            errors.Add($"{Section}:SegmentMaxBytes must be at least 4096, not {SegmentMaxBytes}.");
        }

        if (MinAppendIntervalMs is < 0 or > 1000)
        {
            errors.Add($"{Section}:MinAppendIntervalMs must be 0 to 1000, not {MinAppendIntervalMs}.");
        }

        if (MaintenanceIntervalSeconds is < 1 or > 86_400)
        {
            errors.Add($"{Section}:MaintenanceIntervalSeconds must be 1 to 86400, not {MaintenanceIntervalSeconds}.");
        }

        if (MetadataCacheMs is < 0 or > 60_000)
        {
            errors.Add($"{Section}:MetadataCacheMs must be 0 to 60000, not {MetadataCacheMs}.");
        }

        if (MaxShardsPerStream is < 1 or > 10_000)
        {
            errors.Add($"{Section}:MaxShardsPerStream must be 1 to 10000, not {MaxShardsPerStream}.");
        }

        if (GetRecordsMaxBytes is < 64 * 1024 or > StreamService.MaxGetRecordsBytes)
        {
            errors.Add($"{Section}:GetRecordsMaxBytes must be 65536 to {StreamService.MaxGetRecordsBytes} (10 MiB, Kinesis's limit), not {GetRecordsMaxBytes}.");
        }

        for (var i = 0; i < AccessKeys.Count; i++)
        {
            if (string.IsNullOrEmpty(AccessKeys[i].AccessKeyId) || string.IsNullOrEmpty(AccessKeys[i].SecretAccessKey))
            {
                errors.Add($"{Section}:AccessKeys:{i} needs both AccessKeyId and SecretAccessKey.");
            }
        }

        return errors;
    }
}

/// <summary>One accepted access key.</summary>
public sealed class AccessKeyOptions
{
    public string AccessKeyId { get; set; } = "";

    public string SecretAccessKey { get; set; } = "";

    public override string ToString() => $"{AccessKeyId}:***";
}
