using System.Text.Json.Serialization;
using Platform.Storage.Documents;

namespace Platform.Video.Streams;

// Stream documents in blob storage (streams/{name}), read through a short cache and changed only by compare-and-swap
// on the blob's ETag (JsonBlobDocuments): concurrent changes from any host retry on the newest version, so none is lost.
public sealed partial class VideoStreamCatalog
{
    public const string DocumentPrefix = "streams/";
    private static readonly TimeSpan CacheTtl = TimeSpan.FromSeconds(1);
    private readonly JsonBlobDocuments<VideoStreamDocument> _documents;

    /// <summary>The stream's document, at most a second old unless <paramref name="fresh"/>; null when there is no such stream.</summary>
    public Task<VideoStreamDocument?> GetDocumentAsync(string name, bool fresh, CancellationToken cancellationToken) =>
        _documents.GetAsync(name, fresh, cancellationToken);

    /// <summary>Stores a new stream; false when one of that name exists.</summary>
    private Task<bool> TryInsertAsync(VideoStreamDocument document, CancellationToken cancellationToken) =>
        _documents.TryCreateAsync(document.Name, document, cancellationToken);

    /// <summary>
    /// Applies <paramref name="change"/> to the newest document and stores it if nobody changed it meanwhile, retrying on
    /// the newer version otherwise. The change returns null to leave the document as it is (and may throw to refuse).
    /// Returns the stored document, or null when the stream does not exist.
    /// </summary>
    internal Task<VideoStreamDocument?> UpdateAsync(string name, Func<VideoStreamDocument, VideoStreamDocument?> change, CancellationToken cancellationToken) =>
        _documents.UpdateAsync(name, change, cancellationToken);

    /// <summary>Removes the document of a stream whose data is gone (the last step of a delete); a document changed meanwhile is left for the next maintenance pass.</summary>
    internal Task RemoveDocumentAsync(string name, string incarnation, CancellationToken cancellationToken) =>
        _documents.DeleteIfAsync(name, d => d.Incarnation == incarnation, cancellationToken);

    /// <summary>Every stream document, in name order (maintenance walks them all).</summary>
    public async Task<IReadOnlyList<VideoStreamDocument>> ListDocumentsAsync(CancellationToken cancellationToken)
    {
        var documents = new List<VideoStreamDocument>();
        foreach (var name in await _documents.ListNamesAsync(cancellationToken))
        {
            if (await GetDocumentAsync(name, fresh: true, cancellationToken) is { } document)
            {
                documents.Add(document);
            }
        }

        return documents;
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(VideoStreamDocument))]
internal sealed partial class VideoStreamJson : JsonSerializerContext;
