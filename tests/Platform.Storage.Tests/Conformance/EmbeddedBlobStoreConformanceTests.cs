using Platform.Storage.Embedded;

namespace Platform.Storage.Tests.Conformance;

/// <summary>The conformance suite against the embedded filesystem backend, in a fresh temp folder.</summary>
public sealed class EmbeddedBlobStoreConformanceTests : BlobStoreConformance, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "platform-embedded-" + Guid.NewGuid().ToString("N"));
    private readonly EmbeddedBlobStore _store;

    public EmbeddedBlobStoreConformanceTests() => _store = EmbeddedBlobStore.Open(new EmbeddedBlobStoreOptions { DataPath = _folder });

    protected override IBlobStore Store => _store;

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
