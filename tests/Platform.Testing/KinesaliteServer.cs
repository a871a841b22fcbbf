using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Platform.Testing;

/// <summary>
/// A private kinesalite (a Kinesis emulator, pinned in infra/package.json, installed when missing) on a
/// free loopback port, in memory, with stream creation, deletion and resharding taking no time and a
/// shard limit of 100;
/// stopped by its process id on dispose. It checks that requests carry a SigV4 Authorization header
/// but not the signature.
/// </summary>
public sealed class KinesaliteServer : IAsyncDisposable
{
    private Process? _process;

    private KinesaliteServer()
    {
    }

    public int Port { get; private set; }

    public Uri Endpoint => new($"http://127.0.0.1:{Port}/");

    public static async Task<KinesaliteServer> StartAsync(CancellationToken cancellationToken = default)
    {
        await NodeTools.EnsureInstalledAsync("kinesalite", cancellationToken);
        var server = new KinesaliteServer();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            server.Port = FreePort();
            var psi = new ProcessStartInfo("node")
            {
                WorkingDirectory = RepoPaths.Infra,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            // kinesalite's cli.js listens on every interface; the same server bound to loopback only.
            psi.ArgumentList.Add("-e");
            psi.ArgumentList.Add(
                "require(process.argv[1])({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 })" +
                ".listen(Number(process.argv[2]), '127.0.0.1')");
            psi.ArgumentList.Add(Path.Combine(RepoPaths.Infra, "node_modules", "kinesalite", "index.js"));
            psi.ArgumentList.Add(server.Port.ToString(CultureInfo.InvariantCulture));

            server._process = Process.Start(psi) ?? throw new InvalidOperationException("Cannot start kinesalite; install Node.js 20 or later.");
            server._process.OutputDataReceived += static (_, _) => { };
            server._process.ErrorDataReceived += static (_, _) => { };
            server._process.BeginOutputReadLine();
            server._process.BeginErrorReadLine();
            if (await WaitForPortAsync(server.Port, server._process, TimeSpan.FromSeconds(30), cancellationToken))
            {
                return server;
            }

            server.Stop();
        }

        await server.DisposeAsync();
        throw new InvalidOperationException("kinesalite did not start listening.");
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }

    private void Stop()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process?.Dispose();
        _process = null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> WaitForPortAsync(int port, Process process, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(100, cancellationToken);
            }
        }

        return false;
    }
}
