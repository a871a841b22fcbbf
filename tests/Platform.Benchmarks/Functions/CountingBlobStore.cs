using System.Collections.Concurrent;
using Platform.Storage;

namespace Platform.Benchmarks.Functions;

/// <summary>
/// An <see cref="IBlobStore"/> that counts the calls made on another, by operation and container, so a benchmark can
/// tell what an idle trigger costs in storage requests (each call is one request on Azure Blob Storage).
/// </summary>
internal sealed class CountingBlobStore(IBlobStore inner) : IBlobStore, IDisposable
{
    private readonly ConcurrentDictionary<(string Operation, string Container, bool Write), long> _counts = new();

    /// <summary>Calls so far by operation and container, with whether the operation writes.</summary>
    public IReadOnlyDictionary<(string Operation, string Container, bool Write), long> Snapshot() => _counts.ToArray().ToDictionary(); // ToArray is one atomic copy

    public void Reset() => _counts.Clear();

    public Task<bool> CreateContainerIfNotExistsAsync(string container, CancellationToken cancellationToken = default) =>
        Count("CreateContainer", container, true, inner.CreateContainerIfNotExistsAsync(container, cancellationToken));

    public Task<bool> DeleteContainerIfExistsAsync(string container, CancellationToken cancellationToken = default) =>
        Count("DeleteContainer", container, true, inner.DeleteContainerIfExistsAsync(container, cancellationToken));

    public Task<BlobInfo> PutBlockBlobAsync(BlobPath path, ReadOnlyMemory<byte> content, PutBlobOptions? options = null, CancellationToken cancellationToken = default) =>
        Count("PutBlockBlob", path.Container, true, inner.PutBlockBlobAsync(path, content, options, cancellationToken));

    public Task<BlobInfo> CreateAppendBlobAsync(BlobPath path, PutBlobOptions? options = null, CancellationToken cancellationToken = default) =>
        Count("CreateAppendBlob", path.Container, true, inner.CreateAppendBlobAsync(path, options, cancellationToken));

    public Task<AppendResult> AppendBlockAsync(BlobPath path, ReadOnlyMemory<byte> data, AppendConditions? conditions = null, CancellationToken cancellationToken = default) =>
        Count("AppendBlock", path.Container, true, inner.AppendBlockAsync(path, data, conditions, cancellationToken));

    public Task<BlobInfo> SealAppendBlobAsync(BlobPath path, BlobConditions? conditions = null, CancellationToken cancellationToken = default) =>
        Count("SealAppendBlob", path.Container, true, inner.SealAppendBlobAsync(path, conditions, cancellationToken));

    public Task<BlobDownload> ReadAsync(BlobPath path, BlobRange? range = null, BlobConditions? conditions = null, CancellationToken cancellationToken = default) =>
        Count("Read", path.Container, false, inner.ReadAsync(path, range, conditions, cancellationToken));

    public Task<BlobDownload> ReadIntoAsync(BlobPath path, long offset, Memory<byte> destination, BlobConditions? conditions = null, CancellationToken cancellationToken = default) =>
        Count("Read", path.Container, false, inner.ReadIntoAsync(path, offset, destination, conditions, cancellationToken));

    public Task<BlobProperties> GetPropertiesAsync(BlobPath path, BlobConditions? conditions = null, CancellationToken cancellationToken = default) =>
        Count("GetProperties", path.Container, false, inner.GetPropertiesAsync(path, conditions, cancellationToken));

    public Task<BlobInfo> SetMetadataAsync(BlobPath path, IReadOnlyDictionary<string, string> metadata, BlobConditions? conditions = null, CancellationToken cancellationToken = default) =>
        Count("SetMetadata", path.Container, true, inner.SetMetadataAsync(path, metadata, conditions, cancellationToken));

    public Task<BlobPage> ListBlobsAsync(string container, string? prefix = null, string? continuationToken = null, int pageSize = BlobLimits.DefaultPageSize, CancellationToken cancellationToken = default) =>
        Count("ListBlobs", container, false, inner.ListBlobsAsync(container, prefix, continuationToken, pageSize, cancellationToken));

    public Task<bool> DeleteBlobIfExistsAsync(BlobPath path, BlobConditions? conditions = null, CancellationToken cancellationToken = default) =>
        Count("DeleteBlob", path.Container, true, inner.DeleteBlobIfExistsAsync(path, conditions, cancellationToken));

    public Task<BlobLease> AcquireLeaseAsync(BlobPath path, TimeSpan duration, string? proposedLeaseId = null, BlobConditions? conditions = null, CancellationToken cancellationToken = default) =>
        Count("AcquireLease", path.Container, true, inner.AcquireLeaseAsync(path, duration, proposedLeaseId, conditions, cancellationToken));

    public Task<BlobLease> RenewLeaseAsync(BlobPath path, string leaseId, CancellationToken cancellationToken = default) =>
        Count("RenewLease", path.Container, true, inner.RenewLeaseAsync(path, leaseId, cancellationToken));

    public Task ReleaseLeaseAsync(BlobPath path, string leaseId, CancellationToken cancellationToken = default) =>
        Count("ReleaseLease", path.Container, true, inner.ReleaseLeaseAsync(path, leaseId, cancellationToken));

    public Task<TimeSpan> BreakLeaseAsync(BlobPath path, TimeSpan? breakPeriod = null, CancellationToken cancellationToken = default) =>
        Count("BreakLease", path.Container, true, inner.BreakLeaseAsync(path, breakPeriod, cancellationToken));

    public Task SetAccessTierAsync(BlobPath path, AccessTier tier, BlobConditions? conditions = null, CancellationToken cancellationToken = default) =>
        Count("SetAccessTier", path.Container, true, inner.SetAccessTierAsync(path, tier, conditions, cancellationToken));

    public void Dispose() => (inner as IDisposable)?.Dispose();

    private T Count<T>(string operation, string container, bool write, T call)
    {
        _counts.AddOrUpdate((operation, container, write), 1, static (_, n) => n + 1);
        return call;
    }
}
