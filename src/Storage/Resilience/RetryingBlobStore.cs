namespace Platform.Storage.Resilience;

/// <summary>
/// Retries transient failures of any store with exponential backoff and full jitter, honouring the
/// store's Retry-After. Non-transient errors pass through at once; when retries run out the last
/// error is rethrown inside a <see cref="BlobStorageException"/> that says how many attempts were made.
/// Appends with an append position and conditional puts are retried safely (see <see cref="AppendLanding"/>
/// and <see cref="PutLanding"/>); other non-idempotent writes may have taken effect before a retry, as
/// with any storage client.
/// </summary>
public sealed class RetryingBlobStore(IBlobStore inner, RetryOptions? options = null, TimeProvider? timeProvider = null, Func<double>? random = null) : IBlobStore
{
    private readonly RetryOptions _options = Validated(options ?? new RetryOptions());
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly Func<double> _random = random ?? Random.Shared.NextDouble;

    public Task<bool> CreateContainerIfNotExistsAsync(string container, CancellationToken cancellationToken = default) =>
        RetryAsync((_, ct) => inner.CreateContainerIfNotExistsAsync(container, ct), cancellationToken);

    public Task<bool> DeleteContainerIfExistsAsync(string container, CancellationToken cancellationToken = default) =>
        RetryAsync((_, ct) => inner.DeleteContainerIfExistsAsync(container, ct), cancellationToken);

    public Task<BlobInfo> PutBlockBlobAsync(BlobPath path, ReadOnlyMemory<byte> content, PutBlobOptions? options = null, CancellationToken cancellationToken = default) =>
        RetryAsync(async (attempt, ct) =>
        {
            try
            {
                return await inner.PutBlockBlobAsync(path, content, options, ct);
            }
            catch (BlobStorageException e) when (attempt > 1 && PutLanding.IsOwnConditionFailure(e, options))
            {
                // An earlier attempt may have landed before its response was lost.
                var landed = await PutLanding.FindAsync(inner, path, content, options, ct);
                if (landed is null)
                {
                    throw;
                }

                return landed;
            }
        }, cancellationToken);

    public Task<BlobInfo> CreateAppendBlobAsync(BlobPath path, PutBlobOptions? options = null, CancellationToken cancellationToken = default) =>
        RetryAsync((_, ct) => inner.CreateAppendBlobAsync(path, options, ct), cancellationToken);

    public Task<AppendResult> AppendBlockAsync(BlobPath path, ReadOnlyMemory<byte> data, AppendConditions? conditions = null, CancellationToken cancellationToken = default) =>
        RetryAsync(async (attempt, ct) =>
        {
            try
            {
                return await inner.AppendBlockAsync(path, data, conditions, ct);
            }
            catch (BlobPreconditionFailedException e) when (attempt > 1 && conditions?.AppendPosition is { } position &&
                e.ErrorCode is BlobErrorCodes.AppendPositionConditionNotMet or BlobErrorCodes.MaxBlobSizeConditionNotMet or BlobErrorCodes.ConditionNotMet)
            {
                // An earlier attempt may have landed before its response was lost.
                var landed = await AppendLanding.FindAsync(inner, path, position, data, ct);
                if (landed is null)
                {
                    throw;
                }

                return landed;
            }
        }, cancellationToken);

    public Task<BlobInfo> SealAppendBlobAsync(BlobPath path, BlobConditions? conditions = null, CancellationToken cancellationToken = default) =>
        RetryAsync((_, ct) => inner.SealAppendBlobAsync(path, conditions, ct), cancellationToken);

    public Task<BlobDownload> ReadAsync(BlobPath path, BlobRange? range = null, BlobConditions? conditions = null, CancellationToken cancellationToken = default) =>
        RetryAsync((_, ct) => inner.ReadAsync(path, range, conditions, ct), cancellationToken);

    public Task<BlobDownload> ReadIntoAsync(BlobPath path, long offset, Memory<byte> destination, BlobConditions? conditions = null, CancellationToken cancellationToken = default) =>
        RetryAsync((_, ct) => inner.ReadIntoAsync(path, offset, destination, conditions, ct), cancellationToken);

    public Task<BlobProperties> GetPropertiesAsync(BlobPath path, BlobConditions? conditions = null, CancellationToken cancellationToken = default) =>
        RetryAsync((_, ct) => inner.GetPropertiesAsync(path, conditions, ct), cancellationToken);

    public Task<BlobInfo> SetMetadataAsync(BlobPath path, IReadOnlyDictionary<string, string> metadata, BlobConditions? conditions = null, CancellationToken cancellationToken = default) =>
        RetryAsync((_, ct) => inner.SetMetadataAsync(path, metadata, conditions, ct), cancellationToken);

    public Task<BlobPage> ListBlobsAsync(string container, string? prefix = null, string? continuationToken = null, int pageSize = BlobLimits.DefaultPageSize, CancellationToken cancellationToken = default) =>
        RetryAsync((_, ct) => inner.ListBlobsAsync(container, prefix, continuationToken, pageSize, ct), cancellationToken);

    public Task<bool> DeleteBlobIfExistsAsync(BlobPath path, BlobConditions? conditions = null, CancellationToken cancellationToken = default) =>
        RetryAsync((_, ct) => inner.DeleteBlobIfExistsAsync(path, conditions, ct), cancellationToken);

    public Task<BlobLease> AcquireLeaseAsync(BlobPath path, TimeSpan duration, string? proposedLeaseId = null, BlobConditions? conditions = null, CancellationToken cancellationToken = default) =>
        RetryAsync((_, ct) => inner.AcquireLeaseAsync(path, duration, proposedLeaseId, conditions, ct), cancellationToken);

    public Task<BlobLease> RenewLeaseAsync(BlobPath path, string leaseId, CancellationToken cancellationToken = default) =>
        RetryAsync((_, ct) => inner.RenewLeaseAsync(path, leaseId, ct), cancellationToken);

    public Task ReleaseLeaseAsync(BlobPath path, string leaseId, CancellationToken cancellationToken = default) =>
        RetryAsync(async (_, ct) =>
        {
            await inner.ReleaseLeaseAsync(path, leaseId, ct);
            return true;
        }, cancellationToken);

    public Task<TimeSpan> BreakLeaseAsync(BlobPath path, TimeSpan? breakPeriod = null, CancellationToken cancellationToken = default) =>
        RetryAsync((_, ct) => inner.BreakLeaseAsync(path, breakPeriod, ct), cancellationToken);

    public Task SetAccessTierAsync(BlobPath path, AccessTier tier, BlobConditions? conditions = null, CancellationToken cancellationToken = default) =>
        RetryAsync(async (_, ct) =>
        {
            await inner.SetAccessTierAsync(path, tier, conditions, ct);
            return true;
        }, cancellationToken);

    private async Task<T> RetryAsync<T>(Func<int, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call(attempt, cancellationToken);
            }
            catch (BlobStorageException e) when (e.IsTransient)
            {
                if (attempt > _options.MaxRetries)
                {
                    throw new BlobStorageException(e.Status, e.ErrorCode, $"Gave up after {attempt} attempts; the last failure was: {e.Message}", e);
                }

                await Task.Delay(RetryDelays.Next(_options, attempt, e.RetryAfter, _random()), _time, cancellationToken);
            }
        }
    }

    private static RetryOptions Validated(RetryOptions options)
    {
        options.Validate();
        return options;
    }
}
