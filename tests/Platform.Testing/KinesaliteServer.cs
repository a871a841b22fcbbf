using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Platform.Testing;

/// <summary>
/// A private kinesalite (the in-memory Kinesis peer pinned in infra/package.json, installed when
/// missing) on a free loopback port, with stream state changes made instant; stopped by its process
/// id on dispose. kinesalite's own command line binds every interface, so it is started through
/// <c>node -e</c> and bound to 127.0.0.1 only. It serves HTTP/1.1 only.
/// </summary>
public sealed class KinesaliteServer : IAsyncDisposable
{
    private Process? _process;

    private KinesaliteServer()
    {
    }

    public int Port { get; private set; }

    /// <summary>The endpoint for a Kinesis client, e.g. <c>http://127.0.0.1:PORT</c>.</summary>
    public Uri Endpoint => new($"http://127.0.0.1:{Port}");

    /// <param name="shardLimit">kinesalite's account-wide limit of open shards (its own default is 10).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<KinesaliteServer> StartAsync(int shardLimit = 100, CancellationToken cancellationToken = default)
    {
        await NodeTools.EnsureInstalledAsync("kinesalite", cancellationToken);
        var module = JsonSerializer.Serialize(Path.Combine(RepoPaths.Infra, "node_modules", "kinesalite"));
        var server = new KinesaliteServer();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            server.Port = LoopbackPort.Free();
            var script = string.Create(
                CultureInfo.InvariantCulture,
                $"require({module})({{ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: {shardLimit} }}).listen({server.Port}, '127.0.0.1')");
            var psi = new ProcessStartInfo("node")
            {
                WorkingDirectory = RepoPaths.Infra,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            psi.ArgumentList.Add("-e");
            psi.ArgumentList.Add(script);

            server._process = Process.Start(psi) ?? throw new InvalidOperationException("Cannot start node for kinesalite.");
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

        throw new InvalidOperationException("kinesalite did not start listening.");
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }

    private void Stop() => LoopbackPort.Stop(ref _process);
}
