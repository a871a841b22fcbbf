namespace Platform.Storage.Embedded;

public sealed partial class EmbeddedBlobStore
{
    public async Task<BlobLease> AcquireLeaseAsync(BlobPath path, TimeSpan duration, string? proposedLeaseId = null, BlobConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        BlobRules.ValidateLeaseDuration(duration);
        if (proposedLeaseId is not null)
        {
            BlobRules.ValidateLeaseId(proposedLeaseId, nameof(proposedLeaseId));
        }

        var id = proposedLeaseId is null ? Guid.NewGuid() : Guid.Parse(proposedLeaseId);
        var state = await MutateAsync(path, conditions, false,
            (s, now) => s with { Lease = s.Lease.Acquire(id, duration, now) }, cancellationToken);
        return new BlobLease(id.ToString(), state.ETag);
    }

    public async Task<BlobLease> RenewLeaseAsync(BlobPath path, string leaseId, CancellationToken cancellationToken = default)
    {
        BlobRules.ValidateLeaseId(leaseId, nameof(leaseId));
        var id = Guid.Parse(leaseId);
        var state = await MutateAsync(path, null, false,
            (s, now) => s with { Lease = s.Lease.Renew(id, now) }, cancellationToken);
        return new BlobLease(leaseId, state.ETag);
    }

    public async Task ReleaseLeaseAsync(BlobPath path, string leaseId, CancellationToken cancellationToken = default)
    {
        BlobRules.ValidateLeaseId(leaseId, nameof(leaseId));
        var id = Guid.Parse(leaseId);
        await MutateAsync(path, null, false, (s, now) => s with { Lease = s.Lease.Release(id, now) }, cancellationToken);
    }

    public async Task<TimeSpan> BreakLeaseAsync(BlobPath path, TimeSpan? breakPeriod = null, CancellationToken cancellationToken = default)
    {
        BlobRules.ValidateBreakPeriod(breakPeriod);
        var remaining = TimeSpan.Zero;
        await MutateAsync(path, null, false, (s, now) =>
        {
            (var lease, remaining) = s.Lease.Break(breakPeriod, now);
            return s with { Lease = lease };
        }, cancellationToken);
        return remaining;
    }
}
