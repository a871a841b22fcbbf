using Platform.Streams.Client;
using Platform.Testing;

namespace Platform.Functions.Tests.Streams;

/// <summary>
/// One private Azurite and two host processes (A and B) on its account, shared by a test class; each test
/// makes its own stream. Both hosts and Azurite are stopped by process id on dispose.
/// </summary>
public sealed class TwoHostsOnAzurite : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly List<string> _workingDirectories = [];
    private AzuriteServer? _azurite;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(20) };

    public HostProcess A { get; private set; } = null!;

    public HostProcess B { get; private set; } = null!;

    public KinesisClient ClientA { get; private set; } = null!;

    public KinesisClient ClientB { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        try
        {
            _azurite = await AzuriteServer.StartAsync();
            A = StartHost();
            B = StartHost();
            await Task.WhenAll(A.WaitUntilHealthyAsync(Http, StartTimeout), B.WaitUntilHealthyAsync(Http, StartTimeout));
        }
        catch
        {
            // Nothing may outlive a fixture that failed to start.
            await DisposeAsync();
            throw;
        }

        ClientA = KinesisTestStreams.NewClient(Http, A);
        ClientB = KinesisTestStreams.NewClient(Http, B);
    }

    public async Task DisposeAsync()
    {
        foreach (var host in new[] { A, B })
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }
        }

        A = B = null!;
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
            _azurite = null;
        }

        Http.Dispose();
        foreach (var directory in _workingDirectories)
        {
            Directory.Delete(directory, recursive: true);
        }

        _workingDirectories.Clear();
    }

    private HostProcess StartHost()
    {
        var directory = Directory.CreateTempSubdirectory("platform-multi-").FullName;
        _workingDirectories.Add(directory);
        return HostProcess.Start(directory, new Dictionary<string, string>
        {
            ["Platform__Storage__Backend"] = "AzureBlob",
            ["Platform__Storage__ConnectionString"] = _azurite!.ConnectionString,
        });
    }
}
