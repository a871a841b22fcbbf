using System.Collections.Concurrent;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Video.Ingest.WebRtc.Stun;

namespace Platform.Video.Ingest.WebRtc.Transport;

/// <summary>
/// The one UDP socket all WebRTC sessions share. It answers ICE-lite connectivity checks itself (STUN is routed by the
/// USERNAME's local ufrag and checked with that session's password) and hands DTLS, RTP and RTCP to the session that
/// owns the sender's address, learnt from an authenticated check. Anything else is dropped without touching sessions.
/// </summary>
public sealed class WebRtcTransport : IHostedService, IAsyncDisposable
{
    private readonly WebRtcOptions _options;
    private readonly ILogger<WebRtcTransport> _logger;
    private readonly ConcurrentDictionary<string, WebRtcSession> _byUfrag = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<SocketAddress, WebRtcSession> _byAddress = new();
    private readonly CancellationTokenSource _stop = new();
    private Socket? _socket;
    private Task? _receiveLoop;

    private readonly IDatagramFaultInjector? _faults;

    public WebRtcTransport(IOptions<WebRtcOptions> options, ILogger<WebRtcTransport> logger, IEnumerable<IDatagramFaultInjector> faults)
    {
        _options = options.Value;
        _logger = logger;
        _faults = faults.FirstOrDefault();
    }

    /// <summary>The bound local endpoint (valid after start).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)(_socket?.LocalEndPoint ?? throw new InvalidOperationException("The WebRTC transport is not started."));

    /// <summary>The candidates every answer announces: each public address with the bound port.</summary>
    public IReadOnlyList<IPEndPoint> Candidates { get; private set; } = [];

    /// <summary>Datagrams dropped because nothing owned them or they were malformed (for tests and metrics).</summary>
    public long DroppedDatagrams => Interlocked.Read(ref _dropped);

    private long _dropped;
    private int _stopped;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var bind = IPAddress.Parse(_options.BindAddress);
        var socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.ReceiveBufferSize = 4 * 1024 * 1024;
            socket.Bind(new IPEndPoint(bind, _options.Port));
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        _socket = socket;
        var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        Candidates = PublicAddresses(bind).Select(a => new IPEndPoint(a, port)).ToList();
        WebRtcLog.Settings(_logger, _options.Port, _options.BindAddress, _options.SessionTimeout, _options.MaxSessions);
        WebRtcLog.Listening(_logger, socket.LocalEndPoint!.ToString()!, string.Join(", ", Candidates));
        _receiveLoop = Task.Run(() => ReceiveLoopAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        _socket?.Dispose();
        if (_receiveLoop is not null)
        {
            await _receiveLoop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
    }

    internal void Register(WebRtcSession session) => _byUfrag[session.LocalUfrag] = session;

    internal void Unregister(WebRtcSession session)
    {
        _byUfrag.TryRemove(new KeyValuePair<string, WebRtcSession>(session.LocalUfrag, session));
        foreach (var address in session.KnownAddresses)
        {
            _byAddress.TryRemove(new KeyValuePair<SocketAddress, WebRtcSession>(address, session));
        }
    }

    /// <summary>Sends from a thread that may block (the DTLS engine).</summary>
    internal void Send(ReadOnlySpan<byte> datagram, SocketAddress to)
    {
        try
        {
            _socket?.SendTo(datagram, SocketFlags.None, to);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // UDP sends fail only for local reasons (shutdown, an unreachable route); the peer will retransmit.
        }
    }

    internal async ValueTask SendAsync(ReadOnlyMemory<byte> datagram, SocketAddress to, CancellationToken cancellationToken)
    {
        try
        {
            if (_socket is { } socket)
            {
                await socket.SendToAsync(datagram, SocketFlags.None, to, cancellationToken);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var socket = _socket!;
        var buffer = GC.AllocateUninitializedArray<byte>(2048, pinned: true);
        var address = new SocketAddress(socket.AddressFamily);
        while (!cancellationToken.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await socket.ReceiveFromAsync(buffer, SocketFlags.None, address, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize)
            {
                // ICMP errors from earlier sends and oversized datagrams concern one peer, not the socket.
                continue;
            }
            catch (SocketException e)
            {
                WebRtcLog.ReceiveFailed(_logger, e);
                await Task.Delay(100, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            try
            {
                Dispatch(buffer.AsSpan(0, length), address);
            }
#pragma warning disable CA1031 // One bad datagram must never stop the socket every session shares.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Interlocked.Increment(ref _dropped);
                WebRtcLog.ReceiveFailed(_logger, e);
            }
        }
    }

    private void Dispatch(ReadOnlySpan<byte> datagram, SocketAddress from)
    {
        var kind = PacketClassifier.Classify(datagram);
        if (_faults is not null && _faults.ShouldDrop(kind))
        {
            return;
        }

        if (kind == PacketKind.Stun)
        {
            HandleStun(datagram, from);
            return;
        }

        if (kind == PacketKind.Unknown || !_byAddress.TryGetValue(from, out var session))
        {
            Drop(kind, from, "no session owns this address");
            return;
        }

        session.Post(kind, datagram.ToArray());
    }

    private void HandleStun(ReadOnlySpan<byte> datagram, SocketAddress from)
    {
        if (!StunMessage.TryParse(datagram, out var message) || message!.Type != StunMessageType.BindingRequest)
        {
            Drop(PacketKind.Stun, from, "not a well-formed binding request");
            return;
        }

        var username = message.Username;
        var colon = username?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (username is null || colon <= 0 || !_byUfrag.TryGetValue(username[..colon], out var session))
        {
            Drop(PacketKind.Stun, from, "unknown ICE username");
            return;
        }

        if (!string.Equals(username[(colon + 1)..], session.RemoteUfrag, StringComparison.Ordinal) ||
            !message.VerifyMessageIntegrity(session.LocalPasswordBytes) ||
            (message.TryGetAttribute(StunAttributeType.Fingerprint, out _) && !message.VerifyFingerprint()))
        {
            Drop(PacketKind.Stun, from, "wrong ICE credentials");
            return;
        }

        var template = from.Family == AddressFamily.InterNetworkV6 ? new IPEndPoint(IPAddress.IPv6Any, 0) : new IPEndPoint(IPAddress.Any, 0);
        var endPoint = (IPEndPoint)template.Create(from);
        var response = new StunMessageBuilder(StunMessageType.BindingSuccessResponse, message.TransactionId)
            .AddXorMappedAddress(endPoint)
            .AddMessageIntegrity(session.LocalPasswordBytes)
            .AddFingerprint()
            .ToArray();
        Send(response, from);

        var key = Copy(from);
        if (session.OnConnectivityCheck(key, endPoint, message.HasUseCandidate))
        {
            _byAddress[key] = session;
        }
    }

    private void Drop(PacketKind kind, SocketAddress from, string reason)
    {
        Interlocked.Increment(ref _dropped);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            WebRtcLog.Dropped(_logger, kind.ToString(), from.ToString(), reason);
        }
    }

    private static SocketAddress Copy(SocketAddress address)
    {
        var copy = new SocketAddress(address.Family, address.Size);
        address.Buffer.Span[..address.Size].CopyTo(copy.Buffer.Span);
        return copy;
    }

    private IEnumerable<IPAddress> PublicAddresses(IPAddress bind)
    {
        if (_options.PublicAddresses.Count > 0)
        {
            return _options.PublicAddresses.Select(IPAddress.Parse);
        }

        if (!bind.Equals(IPAddress.Any) && !bind.Equals(IPAddress.IPv6Any))
        {
            return [bind];
        }

        return NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            .ToList();
    }
}
