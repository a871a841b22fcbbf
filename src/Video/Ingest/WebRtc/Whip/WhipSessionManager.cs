using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Video.Ingest.WebRtc.Dtls;
using Platform.Video.Ingest.WebRtc.Sdp;
using Platform.Video.Ingest.WebRtc.Transport;

namespace Platform.Video.Ingest.WebRtc.Whip;

/// <summary>
/// Creates, finds and ends WHIP sessions: an offer is negotiated, the platform's <see cref="IMediaIngest"/> admits the
/// publisher, and a <see cref="WebRtcSession"/> starts on the shared transport. Sessions remove themselves when they end.
/// </summary>
public sealed class WhipSessionManager(
    IMediaIngest ingest,
    WebRtcTransport transport,
    DtlsCertificate certificate,
    IOptions<WebRtcOptions> options,
    TimeProvider time,
    ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, WebRtcSession> _sessions = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggerFactory.CreateLogger<WhipSessionManager>();

    public int Count => _sessions.Count;

    /// <summary>The sessions running now.</summary>
    public IReadOnlyList<WebRtcSession> Active => [.. _sessions.Values];

    /// <summary>Starts a session for an offer and returns it with the SDP answer.</summary>
    /// <exception cref="SdpException">The offer is malformed (400) or cannot be taken (406).</exception>
    /// <exception cref="PublishRejectedException">The platform refuses the publisher (credential, busy stream, unknown stream).</exception>
    /// <exception cref="WhipCapacityException">The server already runs its maximum number of sessions.</exception>
    public async Task<(WebRtcSession Session, string Answer)> CreateAsync(
        string streamName, string offerSdp, string? credential, string remoteAddress, CancellationToken cancellationToken)
    {
        if (_sessions.Count >= options.Value.MaxSessions)
        {
            throw new WhipCapacityException($"The server already runs {options.Value.MaxSessions} WebRTC sessions.");
        }

        NegotiatedOffer offer;
        try
        {
            offer = WhipOfferNegotiator.Negotiate(SessionDescription.Parse(offerSdp));
        }
        catch (SdpException e)
        {
            WebRtcLog.OfferRefused(_logger, streamName, e.StatusCode, e.Message);
            throw;
        }

        var publish = await ingest.StartPublishAsync(new PublishRequest(streamName, "whip", credential, remoteAddress), cancellationToken);
        var session = new WebRtcSession(
            streamName, offer, publish, transport, certificate, options.Value, time, loggerFactory.CreateLogger<WebRtcSession>(), OnEnded);
        var answer = SdpAnswerBuilder.Build(
            offer, session.LocalUfrag, session.LocalPassword, certificate.Fingerprint, transport.Candidates,
            BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) >> 1);
        _sessions[session.Id] = session;
        session.Start();
        WebRtcLog.SessionCreated(_logger, session.Id, streamName, remoteAddress);
        return (session, answer);
    }

    public WebRtcSession? Find(string sessionId) => _sessions.GetValueOrDefault(sessionId);

    /// <summary>Ends a session (WHIP DELETE); false when there is no such session.</summary>
    public async ValueTask<bool> DeleteAsync(string sessionId)
    {
        if (!_sessions.TryGetValue(sessionId, out var session))
        {
            return false;
        }

        await session.EndAsync("the publisher deleted the session");
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var session in _sessions.Values)
        {
            await session.EndAsync("server shutting down");
        }
    }

    private void OnEnded(WebRtcSession session) => _sessions.TryRemove(new KeyValuePair<string, WebRtcSession>(session.Id, session));
}
