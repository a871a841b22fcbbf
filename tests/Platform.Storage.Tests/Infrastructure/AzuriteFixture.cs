using Platform.Testing;

namespace Platform.Storage.Tests.Infrastructure;

/// <summary>One private Azurite for all Azurite-backed tests of this assembly.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public const string AccountKey = AzuriteServer.AccountKey;

    private AzuriteServer? _server;

    public string ConnectionString => Server.ConnectionString;

    /// <summary>A connection string that authenticates with an account SAS instead of the key.</summary>
    public string SasConnectionString(string permissions = "rwdlacup", TimeSpan? validFor = null) =>
        $"BlobEndpoint={Server.BlobEndpoint};SharedAccessSignature={AccountSas.Create(AzuriteServer.AccountName, AzuriteServer.AccountKey, permissions, DateTimeOffset.UtcNow + (validFor ?? TimeSpan.FromHours(1)))}";

    private AzuriteServer Server => _server ?? throw new InvalidOperationException("Azurite is not running.");

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        _server = await AzuriteServer.StartAsync(timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
