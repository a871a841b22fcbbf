namespace Platform.Storage.Embedded;

/// <summary>
/// A blob lease as stored: which id holds it and until when. The observable state (leased, expired,
/// breaking, broken) is derived from the clock, so no timer has to run for a lease to expire.
/// </summary>
internal sealed record LeaseRecord(Guid LeaseId, bool Held, bool Breaking, DateTimeOffset? ExpiresAt, DateTimeOffset? BrokenAt, TimeSpan Duration)
{
    public static readonly LeaseRecord None = new(Guid.Empty, false, false, null, null, TimeSpan.Zero);

    public LeaseState StateAt(DateTimeOffset now)
    {
        if (!Held)
        {
            return LeaseState.Available;
        }

        if (Breaking)
        {
            return BrokenAt is { } b && now < b ? LeaseState.Breaking : LeaseState.Broken;
        }

        return ExpiresAt is { } e && now >= e ? LeaseState.Expired : LeaseState.Leased;
    }

    /// <summary>True while writes need the lease id (leased or breaking).</summary>
    public bool IsActiveAt(DateTimeOffset now) => StateAt(now) is LeaseState.Leased or LeaseState.Breaking;

    /// <summary>Checks a write's lease id against this lease, as Azure does.</summary>
    public void CheckWrite(string? leaseId, DateTimeOffset now)
    {
        if (IsActiveAt(now))
        {
            if (leaseId is null)
            {
                throw new BlobPreconditionFailedException(BlobErrorCodes.LeaseIdMissing, "There is currently a lease on the blob and no lease ID was specified in the request.");
            }

            if (!Guid.TryParse(leaseId, out var id) || id != LeaseId)
            {
                throw new BlobPreconditionFailedException(BlobErrorCodes.LeaseIdMismatchWithBlobOperation, "The lease ID specified did not match the lease ID for the blob.");
            }
        }
        else if (leaseId is not null)
        {
            throw new BlobPreconditionFailedException(BlobErrorCodes.LeaseNotPresentWithBlobOperation, "There is currently no lease on the blob.");
        }
    }

    public LeaseRecord Acquire(Guid proposed, TimeSpan duration, DateTimeOffset now)
    {
        var state = StateAt(now);
        if (state == LeaseState.Breaking && proposed == LeaseId)
        {
            throw Conflict(BlobErrorCodes.LeaseIsBreakingAndCannotBeAcquired, "The lease ID matched, but the lease is being broken and cannot be acquired.");
        }

        if (state == LeaseState.Breaking)
        {
            throw Conflict(BlobErrorCodes.LeaseAlreadyPresent, "There is already a lease present, and it is breaking.");
        }

        if (state == LeaseState.Leased && proposed != LeaseId)
        {
            throw Conflict(BlobErrorCodes.LeaseAlreadyPresent, "There is already a lease present.");
        }

        return new LeaseRecord(proposed, true, false, Expiry(duration, now), null, duration);
    }

    public LeaseRecord Renew(Guid leaseId, DateTimeOffset now)
    {
        var state = StateAt(now);
        CheckLeaseOperationId(leaseId, state);
        if (state is LeaseState.Breaking or LeaseState.Broken)
        {
            throw Conflict(BlobErrorCodes.LeaseIsBrokenAndCannotBeRenewed, "The lease has been broken explicitly and cannot be renewed.");
        }

        return this with { ExpiresAt = Expiry(Duration, now) };
    }

    public LeaseRecord Release(Guid leaseId, DateTimeOffset now)
    {
        CheckLeaseOperationId(leaseId, StateAt(now));
        return None;
    }

    public (LeaseRecord Lease, TimeSpan Remaining) Break(TimeSpan? period, DateTimeOffset now)
    {
        switch (StateAt(now))
        {
            case LeaseState.Available:
                throw Conflict(BlobErrorCodes.LeaseNotPresentWithLeaseOperation, "There is currently no lease on the blob.");
            case LeaseState.Expired or LeaseState.Broken:
                return (this with { Breaking = true, BrokenAt = now }, TimeSpan.Zero);
            case LeaseState.Breaking:
                var left = BrokenAt!.Value - now;
                if (period is { } shorter && shorter < left)
                {
                    return (this with { BrokenAt = now + shorter }, shorter);
                }

                return (this, left);
            default:
                // A fixed lease breaks after min(period, remaining); an infinite one after the period (default 0).
                var remaining = ExpiresAt is { } e ? e - now : TimeSpan.Zero;
                var wait = period is { } p ? (ExpiresAt is null ? p : TimeSpan.FromTicks(Math.Min(p.Ticks, remaining.Ticks))) : remaining;
                return (this with { Breaking = true, BrokenAt = now + wait }, wait);
        }
    }

    private void CheckLeaseOperationId(Guid leaseId, LeaseState state)
    {
        if (state == LeaseState.Available)
        {
            throw Conflict(BlobErrorCodes.LeaseNotPresentWithLeaseOperation, "There is currently no lease on the blob.");
        }

        if (leaseId != LeaseId)
        {
            throw Conflict(BlobErrorCodes.LeaseIdMismatchWithLeaseOperation, "The lease ID specified did not match the lease ID for the blob.");
        }
    }

    private static DateTimeOffset? Expiry(TimeSpan duration, DateTimeOffset now) =>
        duration == Timeout.InfiniteTimeSpan ? null : now + duration;

    private static BlobConflictException Conflict(string code, string message) => new(code, message);

}
