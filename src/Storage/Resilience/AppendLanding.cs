namespace Platform.Storage.Resilience;

/// <summary>
/// Resolves the ambiguity of a retried append. When an attempt's response is lost the block may
/// already be in the blob; with an append-position condition the retry then fails with
/// <c>AppendPositionConditionNotMet</c>. Reading the bytes at that position tells whether the block
/// landed, which makes position-conditioned appends safe to retry.
/// </summary>
public static class AppendLanding
{
    /// <summary>Returns the append result when <paramref name="data"/> sits at <paramref name="position"/>, else null.</summary>
    public static async Task<AppendResult?> FindAsync(IBlobStore store, BlobPath path, long position, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        BlobDownload landed;
        try
        {
            landed = await store.ReadAsync(path, new BlobRange(position, data.Length), cancellationToken: cancellationToken);
        }
        catch (BlobStorageException e) when (e.ErrorCode == BlobErrorCodes.InvalidRange || e is BlobNotFoundException)
        {
            return null;
        }

        if (!landed.Content.Span.SequenceEqual(data.Span))
        {
            return null;
        }

        var p = landed.Properties;
        return new AppendResult(position, p.CommittedBlockCount ?? 0, p.ETag, p.LastModified);
    }
}
