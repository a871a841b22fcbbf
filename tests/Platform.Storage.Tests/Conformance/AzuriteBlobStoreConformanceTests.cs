using Platform.Storage.Azure;
using Platform.Storage.Tests.Infrastructure;

namespace Platform.Storage.Tests.Conformance;

/// <summary>The conformance suite against the Azure Blob REST backend, talking to a real Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzuriteBlobStoreConformanceTests(AzuriteFixture azurite) : BlobStoreConformance, IDisposable
{
    private readonly AzureBlobStore _store = AzureBlobStore.FromConnectionString(azurite.ConnectionString);

    protected override IBlobStore Store => _store;

    public void Dispose() => _store.Dispose();
}
