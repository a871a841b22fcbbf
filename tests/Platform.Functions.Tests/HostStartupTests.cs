using System.Net;
using System.Text.Json;
using Platform.Testing;

namespace Platform.Functions.Tests;

public sealed class HostStartupTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("platform-host-").FullName;
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(10) };

    public void Dispose()
    {
        _client.Dispose();
        Directory.Delete(_workingDirectory, recursive: true);
    }

    [Fact]
    public async Task Host_StartsOnTheEmbeddedDefault_AndHealthzAnswers()
    {
        await using var host = HostProcess.Start(_workingDirectory);
        await host.WaitUntilHealthyAsync(_client, StartTimeout);

        using var response = await _client.GetAsync(new Uri(host.BaseAddress, "healthz"));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal("Embedded", body.GetProperty("storage").GetString());
        Assert.True(Directory.Exists(Path.Combine(_workingDirectory, "data", "platform-system")), "the embedded data folder was not created in the working directory");
    }

    [Fact]
    public async Task Host_LogsItsEffectiveSettingsOnce()
    {
        await using var host = HostProcess.Start(_workingDirectory, new Dictionary<string, string> { ["Platform__Storage__DataPath"] = "elsewhere" });
        await host.WaitUntilHealthyAsync(_client, StartTimeout);
        await Task.Delay(200);

        var lines = host.Output.Split('\n').Where(l => l.Contains("Platform started", StringComparison.Ordinal)).ToList();
        var line = Assert.Single(lines);
        Assert.Contains($"http://127.0.0.1:{host.Port}", line, StringComparison.Ordinal);
        Assert.Contains($"Embedded ({Path.Combine(_workingDirectory, "elsewhere")})", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_WithAnInvalidStorageSetting_FailsStartup_NamingTheSetting()
    {
        await using var host = HostProcess.Start(_workingDirectory, new Dictionary<string, string>
        {
            ["Platform__Storage__Backend"] = "AzureBlob",
            ["AzureWebJobsStorage"] = string.Empty,
        });

        var exitCode = await host.WaitForExitAsync(StartTimeout);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Platform:Storage:ConnectionString", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_WithAHostJsonOfTheWrongVersion_FailsStartup_NamingTheFile()
    {
        await File.WriteAllTextAsync(Path.Combine(_workingDirectory, "host.json"), "{ \"version\": \"1.0\" }");
        await using var host = HostProcess.Start(_workingDirectory);

        var exitCode = await host.WaitForExitAsync(StartTimeout);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("host.json must declare \"version\": \"2.0\"", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_ReadsLogLevelsFromHostJson()
    {
        await File.WriteAllTextAsync(Path.Combine(_workingDirectory, "host.json"), "{ \"version\": \"2.0\", \"logging\": { \"logLevel\": { \"default\": \"Warning\" } } }");
        await using var host = HostProcess.Start(_workingDirectory);
        await host.WaitUntilHealthyAsync(_client, StartTimeout);
        await Task.Delay(200);

        // At Warning the Information-level start-up report is filtered out.
        Assert.DoesNotContain("Platform started", host.Output, StringComparison.Ordinal);
    }
}
