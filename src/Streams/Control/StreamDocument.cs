using System.Text.Json.Serialization;
using Platform.Streams.Log;
using Platform.Streams.Routing;

namespace Platform.Streams.Control;

/// <summary>Kinesis stream statuses.</summary>
public static class StreamStatus
{
    public const string Creating = "CREATING";
    public const string Active = "ACTIVE";
    public const string Updating = "UPDATING";
    public const string Deleting = "DELETING";
}

/// <summary>
/// Everything the platform knows about one stream: one JSON blob, changed only by ETag compare-and-swap,
/// so hosts sharing a storage account agree without a coordinator. Immutable; changes make a new copy.
/// </summary>
public sealed record StreamDocument
{
    public required string Name { get; init; }

    /// <summary>Distinguishes a stream from an earlier one of the same name; its data lives under this id.</summary>
    public required string Incarnation { get; init; }

    public required string Status { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public int RetentionHours { get; init; } = 24;

    public string StreamMode { get; init; } = "PROVISIONED";

    public IReadOnlyList<ShardEntry> Shards { get; init; } = [];

    /// <summary>Parents being closed by a reshard that has not finished (empty when none).</summary>
    public IReadOnlyList<string> Closing { get; init; } = [];

    /// <summary>The open-shard count an UpdateShardCount is working towards (null when none is under way).</summary>
    public int? ScalingTarget { get; init; }

    /// <summary>The shard index the next new shard gets.</summary>
    public int NextShardIndex { get; init; }

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<ConsumerEntry> Consumers { get; init; } = [];

    /// <summary>When the last status change happened (to finish work a crashed host left behind).</summary>
    public DateTimeOffset StatusSince { get; init; }

    [JsonIgnore]
    public IEnumerable<ShardEntry> OpenShards => Shards.Where(s => s.EndingSequenceNumber is null);

    public ShardEntry? FindShard(string shardId) => Shards.FirstOrDefault(s => s.ShardId == shardId);
}

/// <summary>One shard: its hash key range, lineage, and (once closed) where it ends.</summary>
public sealed record ShardEntry
{
    public required string ShardId { get; init; }

    public required string StartingHashKey { get; init; }

    public required string EndingHashKey { get; init; }

    public string? ParentShardId { get; init; }

    public string? AdjacentParentShardId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Set once the shard is closed: the position just past its last record.</summary>
    public string? EndingSequenceNumber { get; init; }

    public DateTimeOffset? ClosedAt { get; init; }

    // Hash keys never change on a shard, so a copy made with `with` may keep the parsed range. The range is
    // published as one reference: threads routing puts share this entry, and a 33-byte struct field could be
    // read half-written.
    private RangeHolder? _range;

    [JsonIgnore]
    public HashKeyRange Range => (_range ??= new RangeHolder(new(UInt128.Parse(StartingHashKey, System.Globalization.CultureInfo.InvariantCulture), UInt128.Parse(EndingHashKey, System.Globalization.CultureInfo.InvariantCulture)))).Value;

    [JsonIgnore]
    public int Index => Routing.ShardId.Parse(ShardId).Index;

    [JsonIgnore]
    public bool IsClosed => EndingSequenceNumber is not null;

    /// <summary>
    /// Every shard's numbering starts just below its first record's (as on Kinesis, where a shard's starting number
    /// is below its records'), so AT_SEQUENCE_NUMBER and AFTER_SEQUENCE_NUMBER with it both read from the first record.
    /// </summary>
    [JsonIgnore]
    public static string StartingSequenceNumber { get; } = SequenceNumber.BeforeFirst.ToString();

    public static ShardEntry Create(int index, HashKeyRange range, DateTimeOffset now, string? parent = null, string? adjacentParent = null) => new()
    {
        ShardId = new ShardId(index).ToString(),
        StartingHashKey = HashKey.Format(range.Start),
        EndingHashKey = HashKey.Format(range.End),
        ParentShardId = parent,
        AdjacentParentShardId = adjacentParent,
        CreatedAt = now,
    };
}

internal sealed record RangeHolder(HashKeyRange Value);

/// <summary>An enhanced fan-out consumer registered on a stream.</summary>
public sealed record ConsumerEntry
{
    public required string Name { get; init; }

    public required string Arn { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public string Status { get; init; } = "ACTIVE";
}
