namespace Platform.Video.Streams;

// The publisher claim: one live publisher per stream across every host sharing the storage account.
public sealed partial class VideoStreamCatalog
{
    /// <summary>
    /// Records <paramref name="claim"/> as the stream's publisher unless another unexpired claim holds it. Returns the
    /// claimed document, or null when the stream is busy; throws <c>ResourceNotFoundException</c> when it is gone or
    /// being deleted.
    /// </summary>
    public async Task<VideoStreamDocument?> TryClaimPublisherAsync(string name, PublisherClaim claim, CancellationToken cancellationToken)
    {
        var busy = false;
        var updated = await UpdateAsync(name, current =>
        {
            if (current.Status != VideoStreamStatus.Active)
            {
                throw VideoStreamErrors.NotFound(name);
            }

            busy = current.Publisher is { } holder && holder.SessionId != claim.SessionId && holder.ExpiresAt > _time.GetUtcNow();
            return busy ? null : current with { Publisher = claim };
        }, cancellationToken);
        return updated is null ? throw VideoStreamErrors.NotFound(name) : busy ? null : updated;
    }

    /// <summary>Extends a claim; false when the session no longer holds the stream (it expired and another took it, or the stream is gone).</summary>
    public async Task<bool> RenewPublisherAsync(string name, string sessionId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var held = false;
        await UpdateAsync(name, current =>
        {
            held = current.Status == VideoStreamStatus.Active && current.Publisher?.SessionId == sessionId;
            return held ? current with { Publisher = current.Publisher! with { ExpiresAt = expiresAt } } : null;
        }, cancellationToken);
        return held;
    }

    /// <summary>Frees the stream if <paramref name="sessionId"/> still holds it.</summary>
    public Task ReleasePublisherAsync(string name, string sessionId, CancellationToken cancellationToken) =>
        UpdateAsync(name, current => current.Publisher?.SessionId == sessionId ? current with { Publisher = null } : null, cancellationToken);
}
