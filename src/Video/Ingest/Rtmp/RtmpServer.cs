using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Platform.Video.Ingest.Rtmp;

/// <summary>
/// The RTMP ingest server: accepts publishers (ffmpeg, OBS, IP cameras) on TCP and hands their audio and video to
/// <see cref="IMediaIngest"/> as access units. Each connection runs on its own task; a connection that breaks the
/// protocol is closed with a logged reason and affects no other.
/// </summary>
public sealed class RtmpServer(IMediaIngest ingest, IOptions<RtmpOptions> options, TimeProvider timeProvider, ILogger<RtmpServer> logger) : BackgroundService
{
    private readonly RtmpOptions _options = options.Value;
    private readonly ConcurrentDictionary<long, Task> _connections = new();
    private Socket? _listener;
    private long _nextConnectionId;

    /// <summary>The port the server listens on, known once it has started (the configured one, or the free one picked for 0).</summary>
    /// <exception cref="InvalidOperationException">The server has not started.</exception>
    public int Port => (_listener?.LocalEndPoint as IPEndPoint)?.Port ?? throw new InvalidOperationException("The RTMP server has not started.");

    /// <summary>Connections open right now.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Binds the listening socket before returning, so the port is known (and taken) once the host has started.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var endPoint = new IPEndPoint(IPAddress.Parse(_options.BindAddress), _options.Port);
        var listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(endPoint);
            listener.Listen(128);
        }
        catch (SocketException e)
        {
            listener.Dispose();
            throw new InvalidOperationException($"RTMP ingest cannot listen on {endPoint} ({RtmpOptions.Section}:BindAddress and :Port): {e.Message}", e);
        }

        _listener = listener;
        RtmpLog.Listening(logger, listener.LocalEndPoint!, _options.MaxConnections, _options.MaxMessageSize, _options.HandshakeTimeout, _options.IdleTimeout);
        RtmpLog.SocketCompletions(logger, !_options.InlineSocketCompletions ? "on the thread pool (InlineSocketCompletions off)"
            : InlineSocketCompletions.Available && !OperatingSystem.IsWindows() ? "inline on the socket event thread"
            : "on the thread pool (this runtime has no inline switch)");
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listener = _listener!;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                Socket socket;
                try
                {
                    socket = await listener.AcceptAsync(stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (SocketException e)
                {
                    // A client that resets before accept completes is not the server's problem; keep accepting.
                    RtmpLog.AcceptFailed(logger, e);
                    continue;
                }

                if (_connections.Count >= _options.MaxConnections)
                {
                    RtmpLog.TooManyConnections(logger, socket.RemoteEndPoint?.ToString() ?? "?", _options.MaxConnections);
                    socket.Dispose();
                    continue;
                }

                if (_options.InlineSocketCompletions)
                {
                    InlineSocketCompletions.TryEnable(socket);
                }

                var id = Interlocked.Increment(ref _nextConnectionId);
                var connection = new RtmpConnection(id, socket, _options, ingest, timeProvider, logger);

                // Registered before it runs so the removal in its continuation always finds it.
                var run = new Task<Task>(() => connection.RunAsync(stoppingToken));
                _connections[id] = run.Unwrap().ContinueWith(
                    static (_, state) =>
                    {
                        var (connections, connectionId) = ((ConcurrentDictionary<long, Task>, long))state!;
                        connections.TryRemove(connectionId, out var _);
                    },
                    (_connections, id),
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
                run.Start(TaskScheduler.Default);
            }
        }
        finally
        {
            // Connections see the same stopping token: they end their publish sessions and close.
            await Task.WhenAll(_connections.Values);
        }
    }

    public override void Dispose()
    {
        _listener?.Dispose();
        base.Dispose();
    }
}
