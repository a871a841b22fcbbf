using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using Platform.Storage;

namespace Platform.Streams.Control;

/// <summary>
/// Stream documents in blob storage (<c>meta/{name}</c> in the streams container), read through a short
/// cache and changed only by compare-and-swap on the blob's ETag: concurrent changes from any host retry
/// on the newest version, so none is lost.
/// </summary>
public sealed class StreamCatalog
{
    public const string MetaPrefix = "meta/";
    private readonly IBlobStore _store;
    private readonly string _container;
    private readonly TimeProvider _time;
    private readonly TimeSpan _cacheTtl;
    private readonly ConcurrentDictionary<string, Cached> _cache = new(StringComparer.Ordinal);

    public StreamCatalog(IBlobStore store, string container, TimeProvider time, TimeSpan cacheTtl)
    {
        _store = store;
        _container = container;
        _time = time;
        _cacheTtl = cacheTtl;
    }

    /// <summary>The stream's document, at most the cache's age old; null when there is no such stream.</summary>
    public async Task<StreamDocument?> GetAsync(string name, bool fresh, CancellationToken cancellationToken)
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

        _cache[name] = new Cached(loaded.Value.Document, loaded.Value.ETag, now);
        return loaded.Value.Document;
    }

    /// <summary>Stores a new stream; false when one of that name exists.</summary>
    public async Task<bool> TryCreateAsync(StreamDocument document, CancellationToken cancellationToken)
    {
        try
        {
            var info = await _store.PutBlockBlobAsync(PathOf(document.Name), Serialize(document), new PutBlobOptions { Conditions = BlobConditions.IfAbsent, ContentType = "application/json" }, cancellationToken);
            _cache[document.Name] = new Cached(document, info.ETag, _time.GetUtcNow());
            return true;
        }
        catch (BlobStorageException e) when (e.ErrorCode is BlobErrorCodes.BlobAlreadyExists or BlobErrorCodes.ConditionNotMet)
        {
            return false;
        }
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the newest document and stores it if nobody changed it meanwhile,
    /// retrying on the newer version otherwise. The change returns null to leave the document as it is.
    /// Returns the stored document, or null when the stream does not exist.
    /// </summary>
    public async Task<StreamDocument?> UpdateAsync(string name, Func<StreamDocument, StreamDocument?> change, CancellationToken cancellationToken)
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
                _cache[name] = new Cached(current, etag, _time.GetUtcNow());
                return current;
            }

            try
            {
                var info = await _store.PutBlockBlobAsync(PathOf(name), Serialize(next), new PutBlobOptions { Conditions = BlobConditions.Matching(etag), ContentType = "application/json" }, cancellationToken);
                _cache[name] = new Cached(next, info.ETag, _time.GetUtcNow());
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

    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        await _store.DeleteBlobIfExistsAsync(PathOf(name), cancellationToken: cancellationToken);
        _cache.TryRemove(name, out _);
    }

    /// <summary>Every stream name, in order.</summary>
    public async Task<IReadOnlyList<string>> ListNamesAsync(CancellationToken cancellationToken)
    {
        var names = new List<string>();
        string? token = null;
        do
        {
            var page = await _store.ListBlobsAsync(_container, MetaPrefix, token, cancellationToken: cancellationToken);
            names.AddRange(page.Items.Select(i => i.Name[MetaPrefix.Length..]));
            token = page.ContinuationToken;
        }
        while (token is not null);
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    private BlobPath PathOf(string name) => new(_container, MetaPrefix + name);

    private async Task<(StreamDocument Document, ETag ETag)?> LoadAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var download = await _store.ReadAsync(PathOf(name), cancellationToken: cancellationToken);
            var document = JsonSerializer.Deserialize(download.Content.Span, StreamDocumentJson.Default.StreamDocument)
                ?? throw new InvalidDataException($"Stream document {name} is empty.");
            return (document, download.Properties.ETag);
        }
        catch (BlobNotFoundException)
        {
            return null;
        }
    }

    private static byte[] Serialize(StreamDocument document) => JsonSerializer.SerializeToUtf8Bytes(document, StreamDocumentJson.Default.StreamDocument);

    private sealed record Cached(StreamDocument Document, ETag ETag, DateTimeOffset FetchedAt);
}

[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StreamDocument))]
internal sealed partial class StreamDocumentJson : JsonSerializerContext;
