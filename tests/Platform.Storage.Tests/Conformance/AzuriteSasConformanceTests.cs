using Platform.Storage.Azure;
using Platform.Storage.Tests.Infrastructure;

namespace Platform.Storage.Tests.Conformance;

/// <summary>The conformance suite once more, authenticating every request with an account SAS instead of SharedKey.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzuriteSasConformanceTests(AzuriteFixture azurite) : BlobStoreConformance, IDisposable
{
    private readonly AzureBlobStore _store = AzureBlobStore.FromConnectionString(azurite.SasConnectionString());

    protected override IBlobStore Store => _store;

    public void Dispose() => _store.Dispose();

    /// <summary>
    /// Azurite 3.37 has no account-SAS permission entry for Append Blob Seal and answers 500, though Azure
    /// accepts it with "w". Seal with SharedKey here; appends and reads of the sealed blob still go through SAS.
    /// </summary>
    protected override async Task SealAsync(BlobPath path)
    {
        using var sharedKey = AzureBlobStore.FromConnectionString(azurite.ConnectionString);
        await sharedKey.SealAppendBlobAsync(path);
    }

    [Fact]
    public async Task ReadOnlySas_CanRead_ButWritesAreRefusedWith403()
    {
        var path = new BlobPath(await NewContainerAsync(), "readable");
        await Store.PutBlockBlobAsync(path, Bytes("public"));
        using var readOnly = AzureBlobStore.FromConnectionString(azurite.SasConnectionString("rl"));

        Assert.Equal("public", Text((await readOnly.ReadAsync(path)).Content));
        var error = await Assert.ThrowsAsync<BlobStorageException>(() => readOnly.PutBlockBlobAsync(path, Bytes("defaced")));
        Assert.Equal(403, (int)error.Status);
        Assert.Equal("public", Text((await Store.ReadAsync(path)).Content));
    }

    [Fact]
    public async Task ExpiredSas_IsRefusedWith403()
    {
        var container = await NewContainerAsync();
        using var expired = AzureBlobStore.FromConnectionString(azurite.SasConnectionString(validFor: TimeSpan.FromHours(-1)));
        var error = await Assert.ThrowsAsync<BlobStorageException>(() => expired.ListBlobsAsync(container));
        Assert.Equal(403, (int)error.Status);
    }
}
