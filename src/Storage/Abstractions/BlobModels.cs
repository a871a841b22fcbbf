namespace Platform.Storage;

/// <summary>Blob kinds the platform uses.</summary>
public enum BlobType
{
    Block,
    Append,
}

/// <summary>Access tiers of block blobs, cheapest-to-read first.</summary>
public enum AccessTier
{
    Hot,
    Cool,
    Cold,
}

/// <summary>Lease states as Azure reports them.</summary>
public enum LeaseState
{
    Available,
    Leased,
    Expired,
    Breaking,
    Broken,
}

/// <summary>Limits shared by both backends.</summary>
public static class BlobLimits
{
    /// <summary>Largest append block accepted by every Azure API version we target.</summary>
    public const int MaxAppendBlockBytes = 4 * 1024 * 1024;

    /// <summary>Most blocks an append blob can hold.</summary>
    public const int MaxAppendBlocks = 50_000;

    /// <summary>Largest single-request block blob upload (Put Blob, API version 2019-12-12 and later).</summary>
    public const long MaxPutBlobBytes = 5000L * 1024 * 1024;

    /// <summary>Azure's limit on the total size of metadata names and values.</summary>
    public const int MaxMetadataBytes = 8 * 1024;

    public const int DefaultPageSize = 1000;

    public const int MaxPageSize = 5000;

    public static readonly TimeSpan MinLeaseDuration = TimeSpan.FromSeconds(15);

    public static readonly TimeSpan MaxLeaseDuration = TimeSpan.FromSeconds(60);

    public static readonly TimeSpan MaxBreakPeriod = TimeSpan.FromSeconds(60);
}

/// <summary>An HTTP entity tag, compared exactly (quotes included).</summary>
public readonly record struct ETag(string Value)
{
    /// <summary>Matches any existing blob; with <c>If-None-Match</c> it means "only if absent".</summary>
    public static readonly ETag All = new("*");

    public override string ToString() => Value;
}

/// <summary>Conditions on the current state of a blob for a read or write.</summary>
public sealed record BlobConditions
{
    public ETag? IfMatch { get; init; }

    /// <summary><see cref="ETag.All"/> means "only when the blob does not exist".</summary>
    public ETag? IfNoneMatch { get; init; }

    /// <summary>Required for writes while the blob is leased.</summary>
    public string? LeaseId { get; init; }

    public static BlobConditions IfAbsent { get; } = new() { IfNoneMatch = ETag.All };

    public static BlobConditions Matching(ETag etag) => new() { IfMatch = etag };
}

/// <summary>Conditions for an append.</summary>
public sealed record AppendConditions
{
    public ETag? IfMatch { get; init; }

    public string? LeaseId { get; init; }

    /// <summary>The append succeeds only when the blob's length equals this value (<c>AppendPositionConditionNotMet</c>).</summary>
    public long? AppendPosition { get; init; }

    /// <summary>The append succeeds only when the blob's length after it is at most this value (<c>MaxBlobSizeConditionNotMet</c>).</summary>
    public long? MaxSize { get; init; }
}

/// <summary>Options for creating a blob.</summary>
public sealed record PutBlobOptions
{
    public BlobConditions? Conditions { get; init; }

    public string? ContentType { get; init; }

    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Tier for a block blob; null leaves the account default (Hot). Not allowed on append blobs.</summary>
    public AccessTier? AccessTier { get; init; }
}

/// <summary>An inclusive-start byte range; a null length reads to the end of the blob.</summary>
public readonly record struct BlobRange(long Offset, long? Length = null)
{
    public static BlobRange From(long offset) => new(offset);
}

/// <summary>The result of a write.</summary>
public sealed record BlobInfo(ETag ETag, DateTimeOffset LastModified);

/// <summary>The result of an append.</summary>
public sealed record AppendResult(long Offset, int CommittedBlockCount, ETag ETag, DateTimeOffset LastModified);

/// <summary>The result of acquiring or renewing a lease.</summary>
public sealed record BlobLease(string LeaseId, ETag ETag);

/// <summary>Properties and metadata of one blob.</summary>
public sealed record BlobProperties
{
    public required string Name { get; init; }

    public required BlobType BlobType { get; init; }

    public required long Length { get; init; }

    public required ETag ETag { get; init; }

    public required DateTimeOffset LastModified { get; init; }

    public DateTimeOffset? CreatedOn { get; init; }

    public string? ContentType { get; init; }

    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMetadata;

    /// <summary>Tier of a block blob (Hot when never set); null for append blobs.</summary>
    public AccessTier? AccessTier { get; init; }

    public bool IsSealed { get; init; }

    public LeaseState LeaseState { get; init; }

    /// <summary>Blocks committed to an append blob; null for block blobs.</summary>
    public int? CommittedBlockCount { get; init; }

    internal static readonly IReadOnlyDictionary<string, string> EmptyMetadata =
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase).AsReadOnly();
}

/// <summary>Blob content read from storage with the properties of the version it came from.</summary>
public sealed record BlobDownload(BlobProperties Properties, long Offset, ReadOnlyMemory<byte> Content);

/// <summary>One page of a listing.</summary>
public sealed record BlobPage(IReadOnlyList<BlobProperties> Items, string? ContinuationToken);
