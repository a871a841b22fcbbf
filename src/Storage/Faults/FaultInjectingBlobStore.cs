using System.Net;

namespace Platform.Storage.Faults;

/// <summary>
/// Wraps a real store and injects transient failures, latency, and failures after a write took effect,
/// so reliability tests of the layers above run against real storage that misbehaves on purpose.
/// Injected errors are <see cref="BlobStorageException"/>s with <see cref="BlobStorageException.IsTransient"/> set.
/// </summary>
public sealed class FaultInjectingBlobStore : IBlobStore
{
    private readonly IBlobStore _inner;
    private readonly FaultInjectionOptions _options;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly Lock _randomLock = new();
    private long _transientFailures;
    private long _failuresAfterWrite;
    private long _delays;

    public FaultInjectingBlobStore(IBlobStore inner, FaultInjectionOptions options, TimeProvider? timeProvider = null)
    {
        options.Validate();
        _inner = inner;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _random = options.Seed is { } seed ? new Random(seed) : new Random();
    }

    /// <summary>Calls that failed before reaching storage.</summary>
    public long TransientFailures => Interlocked.Read(ref _transientFailures);

    /// <summary>Writes that took effect and were reported as failed.</summary>
    public long FailuresAfterWrite => Interlocked.Read(ref _failuresAfterWrite);

    public long Delays => Interlocked.Read(ref _delays);

    public Task<bool> CreateContainerIfNotExistsAsync(string container, CancellationToken cancellationToken = default) =>
        WriteAsync(ct => _inner.CreateContainerIfNotExistsAsync(container, ct), cancellationToken);

    public Task<bool> DeleteContainerIfExistsAsync(string container, CancellationToken cancellationToken = default) =>
        WriteAsync(ct => _inner.DeleteContainerIfExistsAsync(container, ct), cancellationToken);

    public Task<BlobInfo> PutBlockBlobAsync(BlobPath path, ReadOnlyMemory<byte> content, PutBlobOptions? options = null, CancellationToken cancellationToken = default) =>
        WriteAsync(ct => _inner.PutBlockBlobAsync(path, content, options, ct), cancellationToken);

    public Task<BlobInfo> CreateAppendBlobAsync(BlobPath path, PutBlobOptions? options = null, CancellationToken cancellationToken = default) =>
        WriteAsync(ct => _inner.CreateAppendBlobAsync(path, options, ct), cancellationToken);

    public Task<AppendResult> AppendBlockAsync(BlobPath path, ReadOnlyMemory<byte> data, AppendConditions? conditions = null, CancellationToken cancellationToken = default) =>
        WriteAsync(ct => _inner.AppendBlockAsync(path, data, conditions, ct), cancellationToken);

    public Task<BlobInfo> SealAppendBlobAsync(BlobPath path, BlobConditions? conditions = null, CancellationToken cancellationToken = default) =>
        WriteAsync(ct => _inner.SealAppendBlobAsync(path, conditions, ct), cancellationToken);

    public Task<BlobDownload> ReadAsync(BlobPath path, BlobRange? range = null, BlobConditions? conditions = null, CancellationToken cancellationToken = default) =>
        ReadAsync(ct => _inner.ReadAsync(path, range, conditions, ct), cancellationToken);

    public Task<BlobDownload> ReadIntoAsync(BlobPath path, long offset, Memory<byte> destination, BlobConditions? conditions = null, CancellationToken cancellationToken = default) =>
        ReadAsync(ct => _inner.ReadIntoAsync(path, offset, destination, conditions, ct), cancellationToken);

    public Task<BlobProperties> GetPropertiesAsync(BlobPath path, BlobConditions? conditions = null, CancellationToken cancellationToken = default) =>
        ReadAsync(ct => _inner.GetPropertiesAsync(path, conditions, ct), cancellationToken);

    public Task<BlobInfo> SetMetadataAsync(BlobPath path, IReadOnlyDictionary<string, string> metadata, BlobConditions? conditions = null, CancellationToken cancellationToken = default) =>
        WriteAsync(ct => _inner.SetMetadataAsync(path, metadata, conditions, ct), cancellationToken);

    public Task<BlobPage> ListBlobsAsync(string container, string? prefix = null, string? continuationToken = null, int pageSize = BlobLimits.DefaultPageSize, CancellationToken cancellationToken = default) =>
        ReadAsync(ct => _inner.ListBlobsAsync(container, prefix, continuationToken, pageSize, ct), cancellationToken);

    public Task<bool> DeleteBlobIfExistsAsync(BlobPath path, BlobConditions? conditions = null, CancellationToken cancellationToken = default) =>
        WriteAsync(ct => _inner.DeleteBlobIfExistsAsync(path, conditions, ct), cancellationToken);

    public Task<BlobLease> AcquireLeaseAsync(BlobPath path, TimeSpan duration, string? proposedLeaseId = null, BlobConditions? conditions = null, CancellationToken cancellationToken = default) =>
        WriteAsync(ct => _inner.AcquireLeaseAsync(path, duration, proposedLeaseId, conditions, ct), cancellationToken);

    public Task<BlobLease> RenewLeaseAsync(BlobPath path, string leaseId, CancellationToken cancellationToken = default) =>
        WriteAsync(ct => _inner.RenewLeaseAsync(path, leaseId, ct), cancellationToken);

    public Task ReleaseLeaseAsync(BlobPath path, string leaseId, CancellationToken cancellationToken = default) =>
        WriteAsync(async ct =>
        {
            await _inner.ReleaseLeaseAsync(path, leaseId, ct);
            return true;
        }, cancellationToken);

    public Task<TimeSpan> BreakLeaseAsync(BlobPath path, TimeSpan? breakPeriod = null, CancellationToken cancellationToken = default) =>
        WriteAsync(ct => _inner.BreakLeaseAsync(path, breakPeriod, ct), cancellationToken);

    public Task SetAccessTierAsync(BlobPath path, AccessTier tier, BlobConditions? conditions = null, CancellationToken cancellationToken = default) =>
        WriteAsync(async ct =>
        {
            await _inner.SetAccessTierAsync(path, tier, conditions, ct);
            return true;
        }, cancellationToken);

    private Task<T> ReadAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        RunAsync(call, isWrite: false, cancellationToken);

    private Task<T> WriteAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        RunAsync(call, isWrite: true, cancellationToken);

    private async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> call, bool isWrite, CancellationToken cancellationToken)
    {
        var (delay, failBefore, failAfter) = Roll(isWrite);
        if (delay > TimeSpan.Zero)
        {
            Interlocked.Increment(ref _delays);
            await Task.Delay(delay, _time, cancellationToken);
        }

        if (failBefore)
        {
            Interlocked.Increment(ref _transientFailures);
            throw new BlobStorageException(HttpStatusCode.ServiceUnavailable, BlobErrorCodes.ServerBusy, "Injected transient failure: the request did not reach storage.");
        }

        var result = await call(cancellationToken);
        if (failAfter)
        {
            Interlocked.Increment(ref _failuresAfterWrite);
            throw new BlobStorageException(HttpStatusCode.ServiceUnavailable, BlobErrorCodes.ConnectionFailed, "Injected failure after the write took effect: the response was lost.");
        }

        return result;
    }

    private (TimeSpan Delay, bool FailBefore, bool FailAfter) Roll(bool isWrite)
    {
        lock (_randomLock)
        {
            var delay = _random.NextDouble() < _options.LatencyRate
                ? _options.MinLatency + ((_options.MaxLatency - _options.MinLatency) * _random.NextDouble())
                : TimeSpan.Zero;
            var failBefore = _random.NextDouble() < _options.TransientFailureRate;
            var failAfter = isWrite && !failBefore && _random.NextDouble() < _options.FailureAfterWriteRate;
            return (delay, failBefore, failAfter);
        }
    }
}
