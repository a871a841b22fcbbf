using System.Globalization;

namespace Platform.Storage.Azure;

public sealed partial class AzureBlobStore
{
    /// <inheritdoc/>
    /// <remarks>
    /// When <paramref name="proposedLeaseId"/> is null a fresh GUID is proposed, so that a retried acquire whose first
    /// attempt landed renews the same lease instead of failing with <c>LeaseAlreadyPresent</c>.
    /// Acquire accepts ETag conditions only; a <see cref="BlobConditions.LeaseId"/> in <paramref name="conditions"/> is ignored.
    /// </remarks>
    public async Task<BlobLease> AcquireLeaseAsync(BlobPath path, TimeSpan duration, string? proposedLeaseId = null, BlobConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        ValidatePath(path);
        BlobRules.ValidateLeaseDuration(duration);
        if (proposedLeaseId is not null)
        {
            BlobRules.ValidateLeaseId(proposedLeaseId, nameof(proposedLeaseId));
        }

        using var request = LeaseRequest(path, "acquire");
        request.Headers.TryAddWithoutValidation(AzureHeaders.LeaseDuration,
            duration == Timeout.InfiniteTimeSpan ? "-1" : ((long)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(AzureHeaders.ProposedLeaseId, proposedLeaseId ?? Guid.NewGuid().ToString());
        AddConditions(request, conditions is null ? null : conditions with { LeaseId = null });
        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return ReadLease(response);
    }

    /// <inheritdoc/>
    public async Task<BlobLease> RenewLeaseAsync(BlobPath path, string leaseId, CancellationToken cancellationToken = default)
    {
        ValidatePath(path);
        BlobRules.ValidateLeaseId(leaseId, nameof(leaseId));
        using var request = LeaseRequest(path, "renew");
        request.Headers.TryAddWithoutValidation(AzureHeaders.LeaseId, leaseId);
        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return ReadLease(response);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// A retry attempt that finds our lease gone (<c>LeaseNotPresentWithLeaseOperation</c>, or <c>LeaseIdMismatchWithLeaseOperation</c>
    /// because another client acquired it since) counts as released: an earlier attempt released it, and either way the
    /// caller no longer holds the lease.
    /// </remarks>
    public async Task ReleaseLeaseAsync(BlobPath path, string leaseId, CancellationToken cancellationToken = default)
    {
        ValidatePath(path);
        BlobRules.ValidateLeaseId(leaseId, nameof(leaseId));
        using var request = LeaseRequest(path, "release");
        request.Headers.TryAddWithoutValidation(AzureHeaders.LeaseId, leaseId);
        using var response = await SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var error = await ErrorAsync(response, cancellationToken);
        if (error.ErrorCode is BlobErrorCodes.LeaseNotPresentWithLeaseOperation or BlobErrorCodes.LeaseIdMismatchWithLeaseOperation &&
            AzureRequestOptions.GetAttempt(request) > 1)
        {
            return;
        }

        throw error;
    }

    /// <inheritdoc/>
    public async Task<TimeSpan> BreakLeaseAsync(BlobPath path, TimeSpan? breakPeriod = null, CancellationToken cancellationToken = default)
    {
        ValidatePath(path);
        BlobRules.ValidateBreakPeriod(breakPeriod);
        using var request = LeaseRequest(path, "break");
        if (breakPeriod is { } period)
        {
            request.Headers.TryAddWithoutValidation(AzureHeaders.LeaseBreakPeriod, ((long)period.TotalSeconds).ToString(CultureInfo.InvariantCulture));
        }

        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return TimeSpan.FromSeconds(AzureHeaders.GetInt64(response, AzureHeaders.LeaseTime) ?? 0);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Set Blob Tier takes a lease id but no ETag conditions, so <see cref="BlobConditions.IfMatch"/> and
    /// <see cref="BlobConditions.IfNoneMatch"/> are checked with a conditional Get Blob Properties just before; a write
    /// between the two is not detected. Changing the tier does not change the ETag.
    /// </remarks>
    public async Task SetAccessTierAsync(BlobPath path, AccessTier tier, BlobConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        ValidatePath(path);
        ValidateConditions(conditions);
        var tierName = BlobResponseReader.FormatAccessTier(tier);
        if (conditions is { IfMatch: not null } or { IfNoneMatch: not null })
        {
            await GetPropertiesAsync(path, conditions with { LeaseId = null }, cancellationToken);
        }

        using var request = NewRequest(HttpMethod.Put, BlobUris.Blob(_endpoint, path, "comp=tier"));
        request.Headers.TryAddWithoutValidation(AzureHeaders.AccessTier, tierName);
        if (conditions?.LeaseId is { } leaseId)
        {
            request.Headers.TryAddWithoutValidation(AzureHeaders.LeaseId, leaseId);
        }

        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    private HttpRequestMessage LeaseRequest(BlobPath path, string action)
    {
        var request = NewRequest(HttpMethod.Put, BlobUris.Blob(_endpoint, path, "comp=lease"));
        request.Headers.TryAddWithoutValidation(AzureHeaders.LeaseAction, action);
        return request;
    }

    private static BlobLease ReadLease(HttpResponseMessage response) =>
        new(AzureHeaders.Get(response, AzureHeaders.LeaseId) ?? throw MissingHeader(AzureHeaders.LeaseId), BlobResponseReader.ReadETag(response));
}
