using System.Text.Json.Serialization;
using Platform.Storage;
using Platform.Storage.Documents;

namespace Platform.Streams.Control;

/// <summary>
/// Stream documents in blob storage (<c>meta/{name}</c> in the streams container), read through a short
/// cache and changed only by compare-and-swap on the blob's ETag (<see cref="JsonBlobDocuments{TDocument}"/>):
/// concurrent changes from any host retry on the newest version, so none is lost.
/// </summary>
public sealed class StreamCatalog
{
    public const string MetaPrefix = "meta/";
    private readonly JsonBlobDocuments<StreamDocument> _documents;

    public StreamCatalog(IBlobStore store, string container, TimeProvider time, TimeSpan cacheTtl) =>
        _documents = new JsonBlobDocuments<StreamDocument>(store, container, MetaPrefix, StreamDocumentJson.Default.StreamDocument, time, cacheTtl);

    /// <summary>The stream's document, at most the cache's age old; null when there is no such stream.</summary>
    public Task<StreamDocument?> GetAsync(string name, bool fresh, CancellationToken cancellationToken) =>
        _documents.GetAsync(name, fresh, cancellationToken);

    /// <summary>Stores a new stream; false when one of that name exists.</summary>
    public Task<bool> TryCreateAsync(StreamDocument document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        return _documents.TryCreateAsync(document.Name, document, cancellationToken);
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the newest document and stores it if nobody changed it meanwhile,
    /// retrying on the newer version otherwise. The change returns null to leave the document as it is.
    /// Returns the stored document, or null when the stream does not exist.
    /// </summary>
    public Task<StreamDocument?> UpdateAsync(string name, Func<StreamDocument, StreamDocument?> change, CancellationToken cancellationToken) =>
        _documents.UpdateAsync(name, change, cancellationToken);

    public Task DeleteAsync(string name, CancellationToken cancellationToken) => _documents.DeleteAsync(name, cancellationToken);

    /// <summary>Every stream name, in order.</summary>
    public Task<IReadOnlyList<string>> ListNamesAsync(CancellationToken cancellationToken) => _documents.ListNamesAsync(cancellationToken);
}

[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StreamDocument))]
internal sealed partial class StreamDocumentJson : JsonSerializerContext;
