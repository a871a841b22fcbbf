using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Platform.Runtime.Hosting;

/// <summary>
/// Kestrel connection middleware that reads a cleartext connection's first bytes without consuming them
/// and, when they are the HTTP/2 preface, has Kestrel serve the connection as HTTP/2; anything else goes
/// on as HTTP/1.1. It runs once per connection, before Kestrel's HTTP handling, never per request.
/// </summary>
/// <remarks>
/// A connection that stays silent is closed after Kestrel's keep-alive timeout, as Kestrel closes an idle
/// connection; one that stops part-way through the 24 bytes is closed after the request headers timeout.
/// Either wait holds only that connection. A graceful shutdown ends the wait at once.
/// </remarks>
internal sealed class PriorKnowledgeMiddleware
{
    private readonly ConnectionDelegate _next;
    private readonly Type _featureType;
    private readonly object _http2Only;
    private readonly TimeSpan _idleTimeout;
    private readonly TimeSpan _prefaceTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    private PriorKnowledgeMiddleware(ConnectionDelegate next, KestrelServerLimits limits, TimeProvider timeProvider, ILogger logger)
    {
        _next = next;
        _featureType = KestrelProtocolsFeature.Type!;
        _http2Only = KestrelProtocolsFeature.Http2Only!;
        _idleTimeout = TimerDelay(limits.KeepAliveTimeout);
        _prefaceTimeout = TimerDelay(limits.RequestHeadersTimeout);
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>
    /// Wraps <paramref name="next"/>, the rest of the endpoint's connection pipeline (ending in Kestrel's HTTP
    /// handling), when <paramref name="endpoint"/> offers both HTTP/1.x and HTTP/2; otherwise returns it
    /// unchanged. Kestrel calls this when it binds the endpoint, after all of its configuration is applied.
    /// </summary>
    public static ConnectionDelegate Wrap(ListenOptions endpoint, ConnectionDelegate next)
    {
        if ((endpoint.Protocols & HttpProtocols.Http1AndHttp2) != HttpProtocols.Http1AndHttp2)
        {
            return next;
        }

        var services = endpoint.ApplicationServices;
        var timeProvider = services.GetService<TimeProvider>() ?? TimeProvider.System;
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("Platform.Host.Protocols") ?? NullLogger.Instance;
        return new PriorKnowledgeMiddleware(next, endpoint.KestrelServerOptions.Limits, timeProvider, logger).OnConnectionAsync;
    }

    private async Task OnConnectionAsync(ConnectionContext connection)
    {
        // Behind a TLS middleware, ALPN has chosen. In front of one, as endpoint defaults are, the TLS
        // ClientHello differs from the preface at its first byte and passes on untouched.
        if (connection.Features.Get<ITlsConnectionFeature>() is null)
        {
            switch (await SelectProtocolAsync(connection))
            {
                case HttpProtocols.Http2:
                    connection.Features[_featureType] = _http2Only;
                    PlatformLog.PriorKnowledgeHttp2(_logger, connection.ConnectionId);
                    break;
                case HttpProtocols.None:
                    return; // Kestrel closes the connection when this returns.
                default:
                    break; // Http1AndHttp2 without TLS is HTTP/1.1 to Kestrel; with TLS, ALPN decides.
            }
        }

        await _next(connection);
    }

    /// <summary>HTTP/2 for the preface, HTTP/1 for anything else, None to close the connection.</summary>
    private async Task<HttpProtocols> SelectProtocolAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        var closeRequested = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? CancellationToken.None;
        using var timeout = new CancellationTokenSource(_idleTimeout, _timeProvider);
        using var shutdown = closeRequested.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), timeout);
        var waitingForRest = false;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(timeout.Token);
                var buffer = result.Buffer;
                var match = Http2Preface.Match(buffer);
                if (match == PrefaceMatch.Incomplete && !result.IsCompleted && !result.IsCanceled)
                {
                    // Keep every byte, but wait for more than these before the next read returns.
                    input.AdvanceTo(buffer.Start, buffer.End);
                    if (!waitingForRest && !buffer.IsEmpty)
                    {
                        waitingForRest = true;
                        timeout.CancelAfter(_prefaceTimeout);
                    }

                    continue;
                }

                // Consume and examine nothing: the chosen protocol reads these same bytes at once.
                input.AdvanceTo(buffer.Start);

                // A client that ends its side mid-preface gets HTTP/1.1's answer to a truncated request.
                return match == PrefaceMatch.Complete ? HttpProtocols.Http2 : HttpProtocols.Http1;
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !closeRequested.IsCancellationRequested)
        {
            PlatformLog.PrefaceTimedOut(_logger, connection.ConnectionId, waitingForRest ? _prefaceTimeout : _idleTimeout);
            return HttpProtocols.None;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // Reset, aborted or shutting down: nothing to serve, and nothing worth an error log.
            return HttpProtocols.None;
        }
    }

    /// <summary>Kestrel accepts timeouts longer than a timer can wait; those mean no timeout here.</summary>
    private static TimeSpan TimerDelay(TimeSpan timeout) =>
        timeout > TimeSpan.FromMilliseconds(uint.MaxValue - 1) ? Timeout.InfiniteTimeSpan : timeout;
}
