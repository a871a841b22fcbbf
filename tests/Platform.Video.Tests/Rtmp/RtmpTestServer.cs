using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Video.Ingest.Rtmp;

namespace Platform.Video.Tests.Rtmp;

/// <summary>An <see cref="RtmpServer"/> on 127.0.0.1 and a free port, feeding a <see cref="RecordingIngest"/>, with its log kept.</summary>
internal sealed class RtmpTestServer : IAsyncDisposable
{
    private readonly RtmpServer _server;

    private RtmpTestServer(RtmpServer server, RecordingIngest ingest, RecordingLogger log)
    {
        _server = server;
        Ingest = ingest;
        Log = log;
    }

    public RecordingIngest Ingest { get; }

    public RecordingLogger Log { get; }

    public int Port => _server.Port;

    public int ConnectionCount => _server.ConnectionCount;

    public static async Task<RtmpTestServer> StartAsync(Action<RtmpOptions>? configure = null)
    {
        var options = new RtmpOptions { BindAddress = "127.0.0.1", Port = 0, HandshakeTimeout = TimeSpan.FromSeconds(5), IdleTimeout = TimeSpan.FromSeconds(10) };
        configure?.Invoke(options);
        var ingest = new RecordingIngest();
        var log = new RecordingLogger();
        var server = new RtmpServer(ingest, Options.Create(options), TimeProvider.System, log);
        await server.StartAsync(CancellationToken.None);
        return new RtmpTestServer(server, ingest, log);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _server.StopAsync(timeout.Token);
        _server.Dispose();
    }
}

/// <summary>Keeps every log line so tests can check the reason a connection was closed with.</summary>
internal sealed class RecordingLogger : ILogger<RtmpServer>
{
    private readonly ConcurrentQueue<(EventId Id, string Message)> _entries = new();

    public IReadOnlyCollection<(EventId Id, string Message)> Entries => _entries;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _entries.Enqueue((eventId, formatter(state, exception)));

    /// <summary>Waits until a line containing <paramref name="text"/> is logged.</summary>
    public async Task<string> WaitForAsync(string text, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var hit = _entries.FirstOrDefault(e => e.Message.Contains(text, StringComparison.Ordinal));
            if (hit.Message is not null)
            {
                return hit.Message;
            }

            if (cts.IsCancellationRequested)
            {
                throw new TimeoutException($"No log line containing '{text}' within {timeout}. Log:\n{string.Join('\n', _entries.Select(e => e.Message))}");
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }
}
