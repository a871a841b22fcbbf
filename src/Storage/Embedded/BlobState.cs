namespace Platform.Storage.Embedded;

/// <summary>
/// Everything the embedded backend knows about a blob besides its bytes. It is stored twice in the
/// blob's file (ping-pong slots) so a torn slot write always leaves the previous state readable.
/// </summary>
internal sealed record BlobState
{
    /// <summary>Increments on every slot write; the slot with the highest valid sequence wins.</summary>
    public required ulong SlotSequence { get; init; }

    /// <summary>Random per creation, so a deleted and re-created blob never repeats an ETag.</summary>
    public required Guid Generation { get; init; }

    /// <summary>Increments on content and metadata changes only (leases and tiers keep the ETag, as in Azure).</summary>
    public required ulong ContentVersion { get; init; }

    public required BlobType BlobType { get; init; }

    public required long Length { get; init; }

    public int BlockCount { get; init; }

    public bool IsSealed { get; init; }

    public AccessTier? AccessTier { get; init; }

    public required DateTimeOffset CreatedOn { get; init; }

    public required DateTimeOffset LastModified { get; init; }

    public string? ContentType { get; init; }

    public IReadOnlyDictionary<string, string> Metadata { get; init; } = BlobProperties.EmptyMetadata;

    /// <summary>
    /// Bytes written since the previous fsync'd state, with their CRC32C. After a power loss the slot may
    /// be on disk without these bytes; a mismatch makes the reader fall back to the previous slot.
    /// </summary>
    public long UnsyncedOffset { get; init; }

    public int UnsyncedLength { get; init; }

    public uint UnsyncedCrc { get; init; }

    public LeaseRecord Lease { get; init; } = LeaseRecord.None;

    public ETag ETag => new($"\"0x{Generation.GetHashCode():X8}{ContentVersion:X10}\"");

    public BlobProperties ToProperties(string name, DateTimeOffset now) => new()
    {
        Name = name,
        BlobType = BlobType,
        Length = Length,
        ETag = ETag,
        LastModified = LastModified,
        CreatedOn = CreatedOn,
        ContentType = ContentType,
        Metadata = Metadata,
        AccessTier = BlobType == BlobType.Block ? AccessTier ?? Storage.AccessTier.Hot : null,
        IsSealed = IsSealed,
        LeaseState = Lease.StateAt(now),
        CommittedBlockCount = BlobType == BlobType.Append ? BlockCount : null,
    };
}
