using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Platform.Video.Ingest.WebRtc.Dtls;
using Platform.Video.Ingest.WebRtc.Sdp;
using Platform.Video.Ingest.WebRtc.Srtp;

namespace Platform.Video.Ingest.WebRtc.Transport;

/// <summary>
/// One WHIP publisher: ICE-lite state, the DTLS handshake, SRTP contexts and the receive pipeline that turns RTP into
/// access units for its <see cref="IPublishSession"/>. Datagrams arrive through a bounded channel and are handled by one
/// loop, so the publish session sees one call at a time; a 20 ms tick drives reordering timeouts, NACK, PLI, receiver
/// reports and the silence timeout. The session ends on DELETE, silence, RTCP BYE, a failed handshake or a publish error,
/// and then releases everything it holds.
/// </summary>
public sealed partial class WebRtcSession : IAsyncDisposable
{
    private const int InboundCapacity = 2048;
    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(20);

    private readonly WebRtcTransport _transport;
    private readonly DtlsCertificate _certificate;
    private readonly WebRtcOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IPublishSession _publish;
    private readonly Action<WebRtcSession> _onEnded;
    private readonly Channel<Inbound> _inbound = Channel.CreateBounded<Inbound>(
        new BoundedChannelOptions(InboundCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly CancellationTokenSource _end = new();
    private readonly long _started;
    private readonly object _addressLock = new();
    private readonly List<SocketAddress> _knownAddresses = [];
    private readonly QueueDatagramTransport _dtls;
    private SocketAddress? _remote;
    private long _lastHeard;
    private string _endReason = "ended";
    private Task? _loop;
    private ITimer? _timer;
    private SrtpContext? _receiveSrtp;
    private SrtpContext? _sendSrtp;

    internal WebRtcSession(
        string streamName,
        NegotiatedOffer offer,
        IPublishSession publish,
        WebRtcTransport transport,
        DtlsCertificate certificate,
        WebRtcOptions options,
        TimeProvider time,
        ILogger logger,
        Action<WebRtcSession> onEnded)
    {
        Id = RandomNumberGenerator.GetHexString(16, lowercase: true);
        StreamName = streamName;
        Offer = offer;
        _publish = publish;
        _transport = transport;
        _certificate = certificate;
        _options = options;
        _time = time;
        _logger = logger;
        _onEnded = onEnded;
        LocalUfrag = RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 8);
        LocalPassword = RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 24);
        LocalPasswordBytes = Encoding.ASCII.GetBytes(LocalPassword);
        _started = time.GetTimestamp();
        _lastHeard = _started;
        _dtls = new QueueDatagramTransport(SendDtls);
        _videoBuffer = new Rtp.ReorderBuffer(options.VideoReorderWait);
    }

    public string Id { get; }

    public string StreamName { get; }

    public NegotiatedOffer Offer { get; }

    public string LocalUfrag { get; }

    public string LocalPassword { get; }

    internal byte[] LocalPasswordBytes { get; }

    public string RemoteUfrag => Offer.RemoteUfrag;

    /// <summary>Completes when the session has ended and released its resources.</summary>
    public Task Completion => _loop ?? Task.CompletedTask;

    public bool IsEnded => _end.IsCancellationRequested;

    /// <summary>Counters for tests and diagnostics.</summary>
    public WebRtcSessionStats Stats { get; } = new();

    internal IReadOnlyList<SocketAddress> KnownAddresses
    {
        get
        {
            lock (_addressLock)
            {
                return [.. _knownAddresses];
            }
        }
    }

    private TimeSpan Now => _time.GetElapsedTime(_started);

    internal void Start()
    {
        _transport.Register(this);
        _timer = _time.CreateTimer(static s => ((WebRtcSession)s!).Post(Inbound.Tick), this, TickInterval, TickInterval);
        _loop = Task.Run(RunAsync, CancellationToken.None);
        _ = Task.Factory.StartNew(RunDtls, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Ends the session (DELETE or shutdown) and waits until it has released everything.</summary>
    public async ValueTask EndAsync(string reason)
    {
        if (!_end.IsCancellationRequested)
        {
            _endReason = reason;
            await _end.CancelAsync();
        }

        await Completion.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public ValueTask DisposeAsync() => EndAsync("server shutting down");

    /// <summary>Called by the transport for an authenticated binding request; true when the address now routes to this session.</summary>
    internal bool OnConnectivityCheck(SocketAddress address, IPEndPoint endPoint, bool useCandidate)
    {
        if (IsEnded)
        {
            return false;
        }

        Interlocked.Exchange(ref _lastHeard, _time.GetTimestamp());
        lock (_addressLock)
        {
            if (!_knownAddresses.Contains(address))
            {
                // Bounded: a peer has a handful of candidate pairs.
                if (_knownAddresses.Count >= 8)
                {
                    return false;
                }

                _knownAddresses.Add(address);
            }

            // ICE-lite: the controlling peer nominates with USE-CANDIDATE; until then the first checked address serves.
            if (_remote is null || useCandidate)
            {
                if (_remote is null)
                {
                    WebRtcLog.IceConnected(_logger, Id, endPoint.ToString());
                }

                _remote = address;
            }
        }

        return true;
    }

    internal void Post(PacketKind kind, byte[] datagram)
    {
        if (kind == PacketKind.Dtls)
        {
            _dtls.Post(datagram);
            return;
        }

        Post(new Inbound(kind, datagram, null));
    }

    private void Post(Inbound item)
    {
        if (!_inbound.Writer.TryWrite(item))
        {
            Stats.InboundDropped++;
        }
    }

    private async Task RunAsync()
    {
        var token = _end.Token;
        try
        {
            await foreach (var item in _inbound.Reader.ReadAllAsync(token))
            {
                switch (item.Signal)
                {
                    case null:
                        if (item.Kind == PacketKind.Rtp)
                        {
                            await OnRtpAsync(item.Data!, token);
                        }
                        else if (item.Kind == PacketKind.Rtcp)
                        {
                            OnRtcp(item.Data!);
                        }

                        break;
                    case TickSignal:
                        await OnTickAsync(token);
                        break;
                    case KeysSignal keys:
                        _receiveSrtp = new SrtpContext(keys.Keys.Client);
                        _sendSrtp = new SrtpContext(keys.Keys.Server);
                        break;
                    case EndSignal end:
                        _endReason = end.Reason;
                        await _end.CancelAsync();
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (InvalidDataException e)
        {
            WebRtcLog.PublishFailed(_logger, e, Id);
            _endReason = "the publish session refused media: " + e.Message;
        }
#pragma warning disable CA1031 // A fault in one session's pipeline ends that session, logged, and never the process.
        catch (Exception e)
#pragma warning restore CA1031
        {
            WebRtcLog.SessionFailed(_logger, e, Id);
            _endReason = "internal error: " + e.Message;
        }
        finally
        {
            await CleanUpAsync();
        }
    }

    private async Task CleanUpAsync()
    {
        if (!_end.IsCancellationRequested)
        {
            await _end.CancelAsync();
        }

        _transport.Unregister(this);
        if (_timer is not null)
        {
            await _timer.DisposeAsync();
        }

        _inbound.Writer.TryComplete();
        _dtls.Close();
        if (_remote is not null && _sendSrtp is not null)
        {
            await SendGoodbyeAsync();
        }

        try
        {
            await _publish.DisposeAsync();
        }
#pragma warning disable CA1031 // The publish pipeline's failure must not keep the session's resources alive.
        catch (Exception e)
#pragma warning restore CA1031
        {
            WebRtcLog.PublishFailed(_logger, e, Id);
        }

        _receiveSrtp?.Dispose();
        _sendSrtp?.Dispose();
        _dtls.Dispose();
        WebRtcLog.SessionEnded(_logger, Id, StreamName, _endReason);
        var stats = Stats;
        WebRtcLog.SessionStats(
            _logger, Id, stats.RtpPackets, stats.VideoFrames, stats.Keyframes, stats.DroppedVideoFrames, stats.AudioFrames, stats.VideoPacketsMissing, stats.VideoPacketsRecovered,
            stats.VideoPacketsRetransmitted, stats.VideoPacketsLost, stats.NacksSent, stats.NackedPackets, stats.PlisSent, stats.SrtpFailures);
        _onEnded(this);
    }

    private void SendDtls(byte[] buffer, int offset, int length)
    {
        var remote = _remote;
        if (remote is not null)
        {
            _transport.Send(buffer.AsSpan(offset, length), remote);
        }
    }

    private ValueTask SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken) =>
        _remote is { } remote ? _transport.SendAsync(datagram, remote, cancellationToken) : ValueTask.CompletedTask;

    private readonly record struct Inbound(PacketKind Kind, byte[]? Data, object? Signal)
    {
        public static readonly Inbound Tick = new(PacketKind.Unknown, null, TickSignal.Instance);
    }

    private sealed class TickSignal
    {
        public static readonly TickSignal Instance = new();
    }

    private sealed record KeysSignal((SrtpKeys Client, SrtpKeys Server) Keys);

    private sealed record EndSignal(string Reason);
}
