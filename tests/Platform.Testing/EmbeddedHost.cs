namespace Platform.Testing;

/// <summary>
/// A platform host process on the embedded backend in a fresh temporary folder, started and healthy: the fixture
/// of tests that drive the host from outside as a client would. Disposing stops the process and deletes the folder.
/// </summary>
public sealed class EmbeddedHost : IAsyncDisposable
{
    private readonly string _workingDirectory;

    private EmbeddedHost(string workingDirectory, HostProcess process)
    {
        _workingDirectory = workingDirectory;
        Process = process;
    }

    public HostProcess Process { get; }

    /// <summary>The host's base address without a trailing slash, as an SDK's endpoint override takes it.</summary>
    public string Endpoint => Process.BaseAddress.ToString().TrimEnd('/');

    /// <summary>The temporary folder the host runs in; its data lives in <c>data/</c> under it.</summary>
    public string WorkingDirectory => _workingDirectory;

    public static async Task<EmbeddedHost> StartAsync(string folderPrefix, IReadOnlyDictionary<string, string>? settings = null)
    {
        var folder = Directory.CreateTempSubdirectory(folderPrefix).FullName;
        var environment = new Dictionary<string, string>
        {
            ["Platform__Storage__Backend"] = "Embedded",
            ["Platform__Storage__DataPath"] = Path.Combine(folder, "data"),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var process = HostProcess.Start(folder, environment);
        var host = new EmbeddedHost(folder, process);
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            await process.WaitUntilHealthyAsync(client, TimeSpan.FromSeconds(60));
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        try
        {
            Directory.Delete(_workingDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
