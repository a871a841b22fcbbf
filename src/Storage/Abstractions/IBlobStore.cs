namespace Platform.Storage;

/// <summary>
/// The one storage boundary of the platform: containers of block and append blobs with conditional
/// writes, leases and access tiers, modelled on Azure Blob Storage so that the embedded filesystem
/// backend and the Azure backend behave the same.
/// </summary>
/// <remarks>
/// Failure semantics shared by every implementation:
/// <list type="bullet">
/// <item>A write that returns has been made durable (fsync on the embedded backend, the service's
/// acknowledgement on Azure). A write that throws may or may not have taken effect when the error
/// is transient (see <see cref="BlobStorageException.IsTransient"/>); callers that need exactly-once
/// use conditions (<c>If-None-Match: *</c>, <c>If-Match</c>, append position) to make retries safe.</item>
/// <item>A missing container or blob is <see cref="BlobNotFoundException"/>; an unmet condition is
/// <see cref="BlobPreconditionFailedException"/>; a state conflict (already exists, sealed, leased,
/// wrong blob type) is <see cref="BlobConflictException"/>; all carry the Azure error code.</item>
/// <item>Invalid container or blob names are rejected with <see cref="BlobNameException"/> before any I/O.</item>
/// </list>
/// </remarks>
public interface IBlobStore
{
    /// <summary>Creates the container; returns false when it already exists.</summary>
    Task<bool> CreateContainerIfNotExistsAsync(string container, CancellationToken cancellationToken = default);

    /// <summary>Deletes the container and every blob in it; returns false when it did not exist.</summary>
    Task<bool> DeleteContainerIfExistsAsync(string container, CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces a block blob with <paramref name="content"/> in one atomic step.</summary>
    Task<BlobInfo> PutBlockBlobAsync(BlobPath path, ReadOnlyMemory<byte> content, PutBlobOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Creates (or replaces) an empty append blob.</summary>
    Task<BlobInfo> CreateAppendBlobAsync(BlobPath path, PutBlobOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends one block atomically: concurrent appends never interleave. Returns the offset where the
    /// block landed. The block is 1 byte to <see cref="BlobLimits.MaxAppendBlockBytes"/>; a blob holds at
    /// most <see cref="BlobLimits.MaxAppendBlocks"/> blocks (then <c>BlockCountExceedsLimit</c>).
    /// </summary>
    Task<AppendResult> AppendBlockAsync(BlobPath path, ReadOnlyMemory<byte> data, AppendConditions? conditions = null, CancellationToken cancellationToken = default);

    /// <summary>Seals an append blob: later appends fail with <c>BlobIsSealed</c>. Sealing twice is allowed.</summary>
    Task<BlobInfo> SealAppendBlobAsync(BlobPath path, BlobConditions? conditions = null, CancellationToken cancellationToken = default);

    /// <summary>Reads the whole blob or a byte range of it, with the properties of the version read.</summary>
    Task<BlobDownload> ReadAsync(BlobPath path, BlobRange? range = null, BlobConditions? conditions = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the bytes from <paramref name="offset"/> into <paramref name="destination"/>, as many as fit and the blob
    /// holds, for readers that reuse their buffers (a shard log reading a megabyte per GetRecords would otherwise
    /// allocate one each time). The download's content is the filled start of <paramref name="destination"/>.
    /// Fails as <see cref="ReadAsync"/> does for the range <c>(offset, destination.Length)</c>.
    /// </summary>
    Task<BlobDownload> ReadIntoAsync(BlobPath path, long offset, Memory<byte> destination, BlobConditions? conditions = null, CancellationToken cancellationToken = default);

    /// <summary>Returns the blob's properties and metadata.</summary>
    Task<BlobProperties> GetPropertiesAsync(BlobPath path, BlobConditions? conditions = null, CancellationToken cancellationToken = default);

    /// <summary>Replaces the blob's metadata (conditionally). Changes the ETag.</summary>
    Task<BlobInfo> SetMetadataAsync(BlobPath path, IReadOnlyDictionary<string, string> metadata, BlobConditions? conditions = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists blobs whose names start with <paramref name="prefix"/> in ordinal name order, one page at a
    /// time. Pass the returned <see cref="BlobPage.ContinuationToken"/> to get the next page; null means done.
    /// </summary>
    Task<BlobPage> ListBlobsAsync(string container, string? prefix = null, string? continuationToken = null, int pageSize = BlobLimits.DefaultPageSize, CancellationToken cancellationToken = default);

    /// <summary>Deletes the blob (conditionally); returns false when it did not exist.</summary>
    Task<bool> DeleteBlobIfExistsAsync(BlobPath path, BlobConditions? conditions = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Acquires a write lease: 15–60 s, or <see cref="Timeout.InfiniteTimeSpan"/>. While leased, writes need
    /// the lease id. Re-acquiring with the current lease id renews it; any other id gets <c>LeaseAlreadyPresent</c>.
    /// </summary>
    Task<BlobLease> AcquireLeaseAsync(BlobPath path, TimeSpan duration, string? proposedLeaseId = null, BlobConditions? conditions = null, CancellationToken cancellationToken = default);

    /// <summary>Renews a lease held with <paramref name="leaseId"/>, also after it expired if nobody took it.</summary>
    Task<BlobLease> RenewLeaseAsync(BlobPath path, string leaseId, CancellationToken cancellationToken = default);

    /// <summary>Releases the lease so another client can acquire it at once.</summary>
    Task ReleaseLeaseAsync(BlobPath path, string leaseId, CancellationToken cancellationToken = default);

    /// <summary>Breaks the current lease without knowing its id; returns the time until it is broken.</summary>
    Task<TimeSpan> BreakLeaseAsync(BlobPath path, TimeSpan? breakPeriod = null, CancellationToken cancellationToken = default);

    /// <summary>Sets the access tier of a block blob (append blobs have no tier: <c>AccessTierNotSupportedForBlobType</c>).</summary>
    Task SetAccessTierAsync(BlobPath path, AccessTier tier, BlobConditions? conditions = null, CancellationToken cancellationToken = default);
}
