using System.Diagnostics;
using System.Globalization;

namespace Platform.Testing;

/// <summary>
/// A private Azurite (pinned in infra/package.json, installed when missing) on a free loopback port
/// with its own temp folder, stopped by its process id on dispose.
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly string _location;
    private Process? _process;

    private AzuriteServer(string location) => _location = location;

    public int Port { get; private set; }

    public string BlobEndpoint => $"http://127.0.0.1:{Port}/{AccountName}";

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint={BlobEndpoint};";

    public static async Task<AzuriteServer> StartAsync(CancellationToken cancellationToken = default)
    {
        await NodeTools.EnsureInstalledAsync("azurite-blob", cancellationToken);
        var server = new AzuriteServer(Path.Combine(Path.GetTempPath(), "azurite-" + Guid.NewGuid().ToString("N")));
        Directory.CreateDirectory(server._location);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            server.Port = LoopbackPort.Free();
            var psi = new ProcessStartInfo(Path.Combine(RepoPaths.Infra, "node_modules", ".bin", "azurite-blob"))
            {
                WorkingDirectory = RepoPaths.Infra,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var arg in new[] { "--blobHost", "127.0.0.1", "--blobPort", server.Port.ToString(CultureInfo.InvariantCulture), "--location", server._location, "--silent", "--skipApiVersionCheck", "--disableProductStyleUrl" })
            {
                psi.ArgumentList.Add(arg);
            }

            server._process = Process.Start(psi) ?? throw new InvalidOperationException("Cannot start Azurite.");
            server._process.OutputDataReceived += static (_, _) => { };
            server._process.ErrorDataReceived += static (_, _) => { };
            server._process.BeginOutputReadLine();
            server._process.BeginErrorReadLine();
            if (await LoopbackPort.WaitUntilListeningAsync(server.Port, server._process, TimeSpan.FromSeconds(30), cancellationToken))
            {
                return server;
            }

            server.Stop();
        }

        await server.DisposeAsync();
        throw new InvalidOperationException("Azurite did not start listening.");
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        try
        {
            Directory.Delete(_location, recursive: true);
        }
        catch (IOException)
        {
        }

        return ValueTask.CompletedTask;
    }

    private void Stop() => LoopbackPort.Stop(ref _process);
}
