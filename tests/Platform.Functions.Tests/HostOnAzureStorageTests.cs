using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Platform.Testing;

namespace Platform.Functions.Tests;

/// <summary>The same host build on the Azure Blob backend: against a real Azurite, and against storage that is down.</summary>
public sealed class HostOnAzureStorageTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("platform-host-").FullName;
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(15) };
    private AzuriteServer? _azurite;

    public async Task InitializeAsync() => _azurite = await AzuriteServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        Directory.Delete(_workingDirectory, recursive: true);
    }

    [Fact]
    public async Task Host_OnAzurite_IsHealthy_AndKeepsNoLocalData()
    {
        await using var host = HostProcess.Start(_workingDirectory, new Dictionary<string, string>
        {
            ["Platform__Storage__Backend"] = "AzureBlob",
            ["AzureWebJobsStorage"] = _azurite!.ConnectionString,
        });
        await host.WaitUntilHealthyAsync(_client, StartTimeout);

        using var response = await _client.GetAsync(new Uri(host.BaseAddress, "healthz"));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("AzureBlob", body.GetProperty("storage").GetString());
        Assert.False(Directory.Exists(Path.Combine(_workingDirectory, "data")));
        Assert.Contains("AccountKey=<redacted>", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(AzuriteServer.AccountKey, host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_WhoseStorageStopsAnswering_ReportsUnhealthyWith503()
    {
        await using var host = HostProcess.Start(_workingDirectory, new Dictionary<string, string>
        {
            ["Platform__Storage__Backend"] = "AzureBlob",
            ["Platform__Storage__ConnectionString"] = _azurite!.ConnectionString,
            ["Platform__Storage__Retry__MaxRetries"] = "1",
            ["Platform__Storage__Retry__BaseDelay"] = "00:00:00.010",
            ["Platform__Storage__Retry__MaxDelay"] = "00:00:00.050",
        });
        await host.WaitUntilHealthyAsync(_client, StartTimeout);

        await _azurite.DisposeAsync();
        _azurite = null;
        await AssertHostStillListensAsync(host);

        using var response = await _client.GetAsync(new Uri(host.BaseAddress, "healthz"));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("error").GetString()));
    }

    private static async Task AssertHostStillListensAsync(HostProcess host)
    {
        // The host itself must still answer; only its storage is gone.
        using var probe = new TcpClient();
        await probe.ConnectAsync(IPAddress.Loopback, host.Port);
    }
}
