using System.Diagnostics;
using System.Globalization;
using Platform.Testing;

namespace Platform.Benchmarks.Kinesis;

/// <summary>
/// One Kinesis endpoint under test, started fresh for its run: the canned endpoint that does no work
/// (the load generator's own ceiling), kinesalite (in memory), our host on the embedded backend (new
/// temp data folder), or our host on a new Azurite. Disposing stops every
/// process it started and deletes its folders.
/// </summary>
internal sealed class KinesisTarget : IAsyncDisposable
{
    public const string Ceiling = "ceiling";
    public const string Kinesalite = "kinesalite";
    public const string Embedded = "embedded";
    public const string Azurite = "azurite";

    private static readonly TimeSpan HostStartTimeout = TimeSpan.FromSeconds(60);
    private readonly List<Func<ValueTask>> _stops = [];

    private KinesisTarget(string name) => Name = name;

    public string Name { get; }

    /// <summary>The Kinesis endpoint, without a trailing slash.</summary>
    public string Endpoint { get; private set; } = string.Empty;

    /// <summary>Opens the target's blob storage (our hosts only), to count storage writes after a run.</summary>
    public Func<Platform.Storage.IBlobStore>? OpenStore { get; private set; }

    /// <summary>Whether the endpoint accepts HTTP/2 with prior knowledge (kinesalite does not).</summary>
    public bool ServesHttp2 => Name is not (Kinesalite or Ceiling);

    /// <summary>
    /// Whether the endpoint keeps what it is given. The canned one does not: it answers reads with canned records, so its
    /// put and read rates are the client's own, and it has no put-to-visible latency.
    /// </summary>
    public bool StoresRecords => Name != Ceiling;

    public static async Task<KinesisTarget> StartAsync(string name, CancellationToken cancellationToken)
    {
        var target = new KinesisTarget(name);
        try
        {
            switch (name)
            {
                case Ceiling:
                    var port = LoopbackPort.Free();
                    var canned = new ProcessStartInfo("node") { WorkingDirectory = RepoPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true };
                    foreach (var argument in new[] { Path.Combine(RepoPaths.Root, "tests", "js", "kinesis-canned.cjs"), "--port", port.ToString(CultureInfo.InvariantCulture) })
                    {
                        canned.ArgumentList.Add(argument);
                    }

                    Process? process = Process.Start(canned) ?? throw new InvalidOperationException("Cannot start node for the canned endpoint.");
                    process.OutputDataReceived += static (_, _) => { };
                    process.ErrorDataReceived += static (_, _) => { };
                    process.BeginOutputReadLine();
                    process.BeginErrorReadLine();
                    target._stops.Add(() =>
                    {
                        LoopbackPort.Stop(ref process);
                        return ValueTask.CompletedTask;
                    });
                    if (!await LoopbackPort.WaitUntilListeningAsync(port, process!, TimeSpan.FromSeconds(30), cancellationToken))
                    {
                        throw new InvalidOperationException("The canned endpoint did not start listening.");
                    }

                    target.Endpoint = $"http://127.0.0.1:{port}";
                    break;
                case Kinesalite:
                    var kinesalite = await KinesaliteServer.StartAsync(cancellationToken: cancellationToken);
                    target._stops.Add(kinesalite.DisposeAsync);
                    target.Endpoint = kinesalite.Endpoint.ToString().TrimEnd('/');
                    break;
                case Embedded:
                    var workingDirectory = target.TempFolder();
                    await target.StartHostAsync(workingDirectory, new Dictionary<string, string>
                    {
                        ["Platform__Storage__Backend"] = "Embedded",
                        ["Platform__Storage__DataPath"] = Path.Combine(workingDirectory, "data"),
                    });
                    target.OpenStore = () => Platform.Storage.Embedded.EmbeddedBlobStore.Open(new Platform.Storage.Embedded.EmbeddedBlobStoreOptions { DataPath = Path.Combine(workingDirectory, "data") });
                    break;
                case Azurite:
                    var azurite = await AzuriteServer.StartAsync(cancellationToken);
                    target._stops.Add(azurite.DisposeAsync);
                    await target.StartHostAsync(target.TempFolder(), new Dictionary<string, string>
                    {
                        ["Platform__Storage__Backend"] = "AzureBlob",
                        ["Platform__Storage__ConnectionString"] = azurite.ConnectionString,
                    });
                    target.OpenStore = () => Platform.Storage.Azure.AzureBlobStore.FromConnectionString(azurite.ConnectionString);
                    break;
                default:
                    throw new ArgumentException($"unknown target '{name}'; use {Kinesalite}, {Embedded} or {Azurite}", nameof(name));
            }

            return target;
        }
        catch
        {
            await target.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Last started, first stopped: the host before the storage it uses.
        for (var i = _stops.Count - 1; i >= 0; i--)
        {
            await _stops[i]();
        }

        _stops.Clear();
    }

    private string TempFolder()
    {
        var folder = Directory.CreateTempSubdirectory("platform-kinesis-bench-").FullName;
        _stops.Add(() =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }

            return ValueTask.CompletedTask;
        });
        return folder;
    }

    private async Task StartHostAsync(string workingDirectory, Dictionary<string, string> environment)
    {
        var host = HostProcess.Start(workingDirectory, environment);
        _stops.Add(host.DisposeAsync);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await host.WaitUntilHealthyAsync(client, HostStartTimeout);
        Endpoint = host.BaseAddress.ToString().TrimEnd('/');
    }
}
