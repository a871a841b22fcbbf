namespace Platform.Storage.Resilience;

/// <summary>
/// Resolves the ambiguity of a retried conditional put. When the first attempt's response is lost, the
/// put may already have happened, and the retry then fails its own condition (<c>BlobAlreadyExists</c>
/// for If-None-Match: *, <c>ConditionNotMet</c> for If-Match). If the blob now holds exactly the content
/// and metadata this put wrote, the put is taken as ours. Two writers putting identical bytes and
/// metadata cannot be told apart this way; claims should carry something unique (an owner id).
/// </summary>
public static class PutLanding
{
    /// <summary>True when <paramref name="error"/> is the failure a landed first attempt would cause on a retry.</summary>
    public static bool IsOwnConditionFailure(BlobStorageException error, PutBlobOptions? options) =>
        options?.Conditions is { } c &&
        ((c.IfNoneMatch == ETag.All && error.ErrorCode == BlobErrorCodes.BlobAlreadyExists) ||
         (c.IfMatch is not null && error.ErrorCode == BlobErrorCodes.ConditionNotMet));

    /// <summary>Returns the current blob's ETag when it holds exactly this put's content and metadata, else null.</summary>
    public static async Task<BlobInfo?> FindAsync(IBlobStore store, BlobPath path, ReadOnlyMemory<byte> content, PutBlobOptions? options, CancellationToken cancellationToken)
    {
        BlobDownload current;
        try
        {
            current = await store.ReadAsync(path, cancellationToken: cancellationToken);
        }
        catch (BlobNotFoundException)
        {
            return null;
        }

        if (!current.Content.Span.SequenceEqual(content.Span) || !SameMetadata(options?.Metadata, current.Properties.Metadata))
        {
            return null;
        }

        return new BlobInfo(current.Properties.ETag, current.Properties.LastModified);
    }

    private static bool SameMetadata(IReadOnlyDictionary<string, string>? written, IReadOnlyDictionary<string, string> stored)
    {
        written ??= BlobProperties.EmptyMetadata;
        return written.Count == stored.Count && written.All(kv => stored.TryGetValue(kv.Key, out var v) && v == kv.Value);
    }
}
