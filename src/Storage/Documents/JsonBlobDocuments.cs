using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Platform.Storage.Documents;

/// <summary>
/// Named JSON documents in blob storage (<c>{prefix}{name}</c> in one container), read through a short cache and
/// changed only by compare-and-swap on the blob's ETag: concurrent changes from any host retry on the newest version,
/// so none is lost. The stream and video stream catalogs keep their documents here.
/// </summary>
/// <typeparam name="TDocument">The document type, serialised with source-generated metadata.</typeparam>
public sealed class JsonBlobDocuments<TDocument>
    where TDocument : class
{
    private readonly IBlobStore _store;
    private readonly string _container;
    private readonly string _prefix;
    private readonly JsonTypeInfo<TDocument> _json;
    private readonly TimeProvider _time;
    private readonly TimeSpan _cacheTtl;
    private readonly ConcurrentDictionary<string, Cached> _cache = new(StringComparer.Ordinal);

    /// <param name="store">Where the documents live.</param>
    /// <param name="container">Their container.</param>
    /// <param name="prefix">Blob name prefix before each document's name, e.g. <c>meta/</c>.</param>
    /// <param name="json">Serialisation metadata of <typeparamref name="TDocument"/>.</param>
    /// <param name="time">Clock for the cache's age.</param>
    /// <param name="cacheTtl">How old a cached document may be when read without <c>fresh</c>.</param>
    public JsonBlobDocuments(IBlobStore store, string container, string prefix, JsonTypeInfo<TDocument> json, TimeProvider time, TimeSpan cacheTtl)
    {
        _store = store;
        _container = container;
        _prefix = prefix;
        _json = json;
        _time = time;
        _cacheTtl = cacheTtl;
    }

    /// <summary>The document, at most the cache's age old unless <paramref name="fresh"/>; null when there is none.</summary>
    public async Task<TDocument?> GetAsync(string name, bool fresh, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (!fresh && _cache.TryGetValue(name, out var cached) && now - cached.FetchedAt < _cacheTtl)
        {
            return cached.Document;
        }

        var loaded = await LoadAsync(name, cancellationToken);
        if (loaded is null)
        {
            _cache.TryRemove(name, out _);
            return null;
        }

        // A write by this host that finished while this read was loading is newer: keep it.
        var fetched = new Cached(loaded.Value.Document, now);
        _cache.AddOrUpdate(name, fetched, (_, existing) => existing.FetchedAt > now ? existing : fetched);
        return loaded.Value.Document;
    }

    /// <summary>Stores a new document; false when one of that name exists.</summary>
    public async Task<bool> TryCreateAsync(string name, TDocument document, CancellationToken cancellationToken)
    {
        try
        {
            await _store.PutBlockBlobAsync(PathOf(name), Serialize(document), new PutBlobOptions { Conditions = BlobConditions.IfAbsent, ContentType = "application/json" }, cancellationToken);
            _cache[name] = new Cached(document, _time.GetUtcNow());
            return true;
        }
        catch (BlobStorageException e) when (e.ErrorCode is BlobErrorCodes.BlobAlreadyExists or BlobErrorCodes.ConditionNotMet)
        {
            return false;
        }
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the newest document and stores it if nobody changed it meanwhile, retrying
    /// on the newer version otherwise. The change returns null to leave the document as it is (and may throw to
    /// refuse). Returns the stored document, or null when there is no such document.
    /// </summary>
    public async Task<TDocument?> UpdateAsync(string name, Func<TDocument, TDocument?> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
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

    /// <summary>Deletes the document if it exists.</summary>
    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        await _store.DeleteBlobIfExistsAsync(PathOf(name), cancellationToken: cancellationToken);
        _cache.TryRemove(name, out _);
    }

    /// <summary>
    /// Deletes the document if <paramref name="stillWanted"/> says so of its newest version and nobody changes it
    /// meanwhile; a document changed in between is left for the caller to look at again. True when it was deleted.
    /// </summary>
    public async Task<bool> DeleteIfAsync(string name, Func<TDocument, bool> stillWanted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stillWanted);
        var deleted = false;
        if (await LoadAsync(name, cancellationToken) is { } loaded && stillWanted(loaded.Document))
        {
            try
            {
                deleted = await _store.DeleteBlobIfExistsAsync(PathOf(name), BlobConditions.Matching(loaded.ETag), cancellationToken);
            }
            catch (BlobPreconditionFailedException)
            {
            }
        }

        _cache.TryRemove(name, out _);
        return deleted;
    }

    /// <summary>Every document name, in ordinal order.</summary>
    public async Task<IReadOnlyList<string>> ListNamesAsync(CancellationToken cancellationToken)
    {
        var names = new List<string>();
        string? token = null;
        do
        {
            var page = await _store.ListBlobsAsync(_container, _prefix, token, cancellationToken: cancellationToken);
            names.AddRange(page.Items.Select(i => i.Name[_prefix.Length..]));
            token = page.ContinuationToken;
        }
        while (token is not null);
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    private BlobPath PathOf(string name) => new(_container, _prefix + name);

    private async Task<(TDocument Document, ETag ETag)?> LoadAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var download = await _store.ReadAsync(PathOf(name), cancellationToken: cancellationToken);
            var document = JsonSerializer.Deserialize(download.Content.Span, _json)
                ?? throw new InvalidDataException($"The document {_prefix}{name} in {_container} is empty.");
            return (document, download.Properties.ETag);
        }
        catch (BlobNotFoundException)
        {
            return null;
        }
    }

    private byte[] Serialize(TDocument document) => JsonSerializer.SerializeToUtf8Bytes(document, _json);

    private sealed record Cached(TDocument Document, DateTimeOffset FetchedAt);
}
