using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using Platform.Storage;

namespace Platform.Video.Streams;

// Stream documents in blob storage (streams/{name}), read through a short cache and changed only by compare-and-swap
// on the blob's ETag: concurrent changes from any host retry on the newest version, so none is lost.
public sealed partial class VideoStreamCatalog
{
    public const string DocumentPrefix = "streams/";
    private static readonly TimeSpan CacheTtl = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<string, Cached> _cache = new(StringComparer.Ordinal);

    /// <summary>The stream's document, at most a second old unless <paramref name="fresh"/>; null when there is no such stream.</summary>
    public async Task<VideoStreamDocument?> GetDocumentAsync(string name, bool fresh, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (!fresh && _cache.TryGetValue(name, out var cached) && now - cached.FetchedAt < CacheTtl)
        {
            return cached.Document;
        }

        var loaded = await LoadAsync(name, cancellationToken);
        if (loaded is null)
        {
            _cache.TryRemove(name, out _);
            return null;
        }

        _cache[name] = new Cached(loaded.Value.Document, now);
        return loaded.Value.Document;
    }

    /// <summary>Stores a new stream; false when one of that name exists.</summary>
    private async Task<bool> TryInsertAsync(VideoStreamDocument document, CancellationToken cancellationToken)
    {
        try
        {
            await _store.PutBlockBlobAsync(PathOf(document.Name), Serialize(document), new PutBlobOptions { Conditions = BlobConditions.IfAbsent, ContentType = "application/json" }, cancellationToken);
            _cache[document.Name] = new Cached(document, _time.GetUtcNow());
            return true;
        }
        catch (BlobStorageException e) when (e.ErrorCode is BlobErrorCodes.BlobAlreadyExists or BlobErrorCodes.ConditionNotMet)
        {
            return false;
        }
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the newest document and stores it if nobody changed it meanwhile, retrying on
    /// the newer version otherwise. The change returns null to leave the document as it is (and may throw to refuse).
    /// Returns the stored document, or null when the stream does not exist.
    /// </summary>
    internal async Task<VideoStreamDocument?> UpdateAsync(string name, Func<VideoStreamDocument, VideoStreamDocument?> change, CancellationToken cancellationToken)
    {
        while (true)
        {
            var loaded = await LoadAsync(name, cancellationToken);
            if (loaded is null)
            {
                _cache.TryRemove(name, out _);
                return null;
            }

            var (current, etag) = loaded.Value;
            var next = change(current);
            if (next is null)
            {
                _cache[name] = new Cached(current, _time.GetUtcNow());
                return current;
            }

            try
            {
                await _store.PutBlockBlobAsync(PathOf(name), Serialize(next), new PutBlobOptions { Conditions = BlobConditions.Matching(etag), ContentType = "application/json" }, cancellationToken);
                _cache[name] = new Cached(next, _time.GetUtcNow());
                return next;
            }
            catch (BlobPreconditionFailedException)
            {
                // Another host changed it first: apply the change again to its version.
            }
            catch (BlobNotFoundException)
            {
                _cache.TryRemove(name, out _);
                return null;
            }
        }
    }

    /// <summary>Removes the document of a stream whose data is gone (the last step of a delete).</summary>
    internal async Task RemoveDocumentAsync(string name, string incarnation, CancellationToken cancellationToken)
    {
        var loaded = await LoadAsync(name, cancellationToken);
        if (loaded is { } l && l.Document.Incarnation == incarnation)
        {
            try
            {
                await _store.DeleteBlobIfExistsAsync(PathOf(name), BlobConditions.Matching(l.ETag), cancellationToken);
            }
            catch (BlobPreconditionFailedException)
            {
                // Changed meanwhile; the next maintenance pass looks again.
            }
        }

        _cache.TryRemove(name, out _);
    }

    /// <summary>Every stream document, in name order (maintenance walks them all).</summary>
    public async Task<IReadOnlyList<VideoStreamDocument>> ListDocumentsAsync(CancellationToken cancellationToken)
    {
        var documents = new List<VideoStreamDocument>();
        string? token = null;
        do
        {
            var page = await _store.ListBlobsAsync(Container, DocumentPrefix, token, cancellationToken: cancellationToken);
            foreach (var item in page.Items)
            {
                if (await GetDocumentAsync(item.Name[DocumentPrefix.Length..], fresh: true, cancellationToken) is { } document)
                {
                    documents.Add(document);
                }
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
        return documents;
    }

    private static BlobPath PathOf(string name) => new(Container, DocumentPrefix + name);

    private async Task<(VideoStreamDocument Document, ETag ETag)?> LoadAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var download = await _store.ReadAsync(PathOf(name), cancellationToken: cancellationToken);
            var document = JsonSerializer.Deserialize(download.Content.Span, VideoStreamJson.Default.VideoStreamDocument)
                ?? throw new InvalidDataException($"Video stream document {name} is empty.");
            return (document, download.Properties.ETag);
        }
        catch (BlobNotFoundException)
        {
            return null;
        }
    }

    private static byte[] Serialize(VideoStreamDocument document) => JsonSerializer.SerializeToUtf8Bytes(document, VideoStreamJson.Default.VideoStreamDocument);

    private sealed record Cached(VideoStreamDocument Document, DateTimeOffset FetchedAt);
}

[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(VideoStreamDocument))]
internal sealed partial class VideoStreamJson : JsonSerializerContext;
