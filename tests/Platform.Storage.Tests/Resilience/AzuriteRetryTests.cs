using System.Net;
using Platform.Storage.Azure;
using Platform.Storage.Resilience;
using Platform.Storage.Tests.Infrastructure;

namespace Platform.Storage.Tests.Resilience;

/// <summary>The Azure backend's own HTTP retry pipeline, against real Azurite behind injected network faults.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzuriteRetryTests(AzuriteFixture azurite)
{
    private static readonly RetryOptions FastRetries = new() { MaxRetries = 8, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(20) };

    [Fact]
    public async Task Requests_SucceedThrough503sAndConnectionResets()
    {
        var faults = new FaultingHttpHandler(AzureBlobStore.CreateDefaultTransport(), busyRate: 0.25, resetBeforeRate: 0.1, resetAfterRate: 0.0, seed: 3);
        using var store = AzureBlobStore.FromConnectionString(azurite.ConnectionString, FastRetries, faults);
        var container = "retry" + Guid.NewGuid().ToString("N")[..12];

        await store.CreateContainerIfNotExistsAsync(container);
        for (var i = 0; i < 30; i++)
        {
            await store.PutBlockBlobAsync(new BlobPath(container, $"b{i:D2}"), new[] { (byte)i });
        }

        var page = await store.ListBlobsAsync(container);
        Assert.Equal(30, page.Items.Count);
        Assert.True(faults.Busy + faults.ResetsBefore > 5, $"only {faults.Busy + faults.ResetsBefore} faults were injected");
        await store.DeleteContainerIfExistsAsync(container);
    }

    [Fact]
    public async Task PositionedAppends_WhoseResponsesAreLost_LandExactlyOnce()
    {
        var faults = new FaultingHttpHandler(AzureBlobStore.CreateDefaultTransport(), busyRate: 0.1, resetBeforeRate: 0.05, resetAfterRate: 0.25, seed: 9);
        using var store = AzureBlobStore.FromConnectionString(azurite.ConnectionString, FastRetries, faults);
        using var clean = AzureBlobStore.FromConnectionString(azurite.ConnectionString);
        var container = "retry" + Guid.NewGuid().ToString("N")[..12];
        var blob = new BlobPath(container, "log");
        await clean.CreateContainerIfNotExistsAsync(container);
        await clean.CreateAppendBlobAsync(blob);

        long position = 0;
        for (var i = 0; i < 40; i++)
        {
            var block = new byte[16 + i];
            Array.Fill(block, (byte)i);
            var result = await store.AppendBlockAsync(blob, block, new AppendConditions { AppendPosition = position });
            Assert.Equal(position, result.Offset);
            position += block.Length;
        }

        Assert.True(faults.ResetsAfter > 3, $"only {faults.ResetsAfter} lost responses were injected");
        var properties = await clean.GetPropertiesAsync(blob);
        Assert.Equal(position, properties.Length);
        Assert.Equal(40, properties.CommittedBlockCount);
        await clean.DeleteContainerIfExistsAsync(container);
    }

    [Fact]
    public async Task PersistentServerBusy_GivesUpAfterTheConfiguredRetries_WithAClearError()
    {
        var faults = new FaultingHttpHandler(AzureBlobStore.CreateDefaultTransport(), busyRate: 1.0, resetBeforeRate: 0, resetAfterRate: 0, seed: 1);
        using var store = AzureBlobStore.FromConnectionString(azurite.ConnectionString, FastRetries with { MaxRetries = 3 }, faults);

        var error = await Assert.ThrowsAsync<BlobStorageException>(() => store.CreateContainerIfNotExistsAsync("never" + Guid.NewGuid().ToString("N")[..8]));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.Status);
        Assert.Equal(BlobErrorCodes.ServerBusy, error.ErrorCode);
        Assert.Contains("4 attempts", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, faults.Requests);
    }

    [Fact]
    public async Task AWrongAccountKey_FailsAtOnceWithAuthenticationFailed_AndIsNotRetried()
    {
        var counting = new FaultingHttpHandler(AzureBlobStore.CreateDefaultTransport(), 0, 0, 0, seed: 1);
        var badKey = Convert.ToBase64String(new byte[64]);
        using var store = AzureBlobStore.FromConnectionString(azurite.ConnectionString.Replace(AzuriteFixture.AccountKey, badKey, StringComparison.Ordinal), FastRetries, counting);

        var error = await Assert.ThrowsAsync<BlobStorageException>(() => store.CreateContainerIfNotExistsAsync("denied" + Guid.NewGuid().ToString("N")[..8]));

        Assert.Equal(HttpStatusCode.Forbidden, error.Status);
        // Azure says AuthenticationFailed; Azurite says AuthorizationFailure.
        Assert.Contains(error.ErrorCode, new[] { "AuthenticationFailed", "AuthorizationFailure" });
        Assert.Equal(1, counting.Requests);
    }
}
