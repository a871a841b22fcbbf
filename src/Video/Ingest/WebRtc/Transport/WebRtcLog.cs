using Microsoft.Extensions.Logging;

namespace Platform.Video.Ingest.WebRtc.Transport;

/// <summary>WebRTC ingest log messages; event ids 6000–6099.</summary>
internal static partial class WebRtcLog
{
    [LoggerMessage(6000, LogLevel.Information, "WebRTC media on UDP {LocalEndPoint}, announcing {Candidates}")]
    public static partial void Listening(ILogger logger, string localEndPoint, string candidates);

    [LoggerMessage(6001, LogLevel.Information, "WHIP session {SessionId} for stream {Stream} from {Remote} created")]
    public static partial void SessionCreated(ILogger logger, string sessionId, string stream, string remote);

    [LoggerMessage(6002, LogLevel.Information, "WHIP session {SessionId} for stream {Stream} ended: {Reason}")]
    public static partial void SessionEnded(ILogger logger, string sessionId, string stream, string reason);

    [LoggerMessage(6003, LogLevel.Debug, "Dropped a {Kind} datagram from {Remote}: {Reason}")]
    public static partial void Dropped(ILogger logger, string kind, string remote, string reason);

    [LoggerMessage(6004, LogLevel.Information, "WHIP session {SessionId}: ICE connected from {Remote}")]
    public static partial void IceConnected(ILogger logger, string sessionId, string remote);

    [LoggerMessage(6005, LogLevel.Information, "WHIP session {SessionId}: DTLS connected, SRTP profile {Profile}")]
    public static partial void DtlsConnected(ILogger logger, string sessionId, string profile);

    [LoggerMessage(6006, LogLevel.Warning, "WHIP session {SessionId}: DTLS handshake failed")]
    public static partial void DtlsFailed(ILogger logger, Exception exception, string sessionId);

    [LoggerMessage(6007, LogLevel.Warning, "WHIP offer for stream {Stream} refused with {Status}: {Reason}")]
    public static partial void OfferRefused(ILogger logger, string stream, int status, string reason);

    [LoggerMessage(6008, LogLevel.Warning, "WHIP session {SessionId}: the publish session refused media")]
    public static partial void PublishFailed(ILogger logger, Exception exception, string sessionId);

    [LoggerMessage(6009, LogLevel.Warning, "WebRTC UDP receive failed")]
    public static partial void ReceiveFailed(ILogger logger, Exception exception);

    [LoggerMessage(6011, LogLevel.Error, "WHIP session {SessionId} failed")]
    public static partial void SessionFailed(ILogger logger, Exception exception, string sessionId);

    [LoggerMessage(6012, LogLevel.Information, "WHIP session {SessionId} received {RtpPackets} RTP packets, {VideoFrames} video frames ({Keyframes} key, {DroppedVideoFrames} dropped), {AudioFrames} audio frames; video packets missing {Missing}, recovered {Recovered} ({Retransmitted} after NACK), lost {Lost}; {NacksSent} NACKs for {NackedPackets} packets, {PlisSent} PLIs, {SrtpFailures} SRTP failures")]
    public static partial void SessionStats(
        ILogger logger, string sessionId, long rtpPackets, long videoFrames, long keyframes, long droppedVideoFrames, long audioFrames,
        long missing, long recovered, long retransmitted, long lost, long nacksSent, long nackedPackets, long plisSent, long srtpFailures);

    [LoggerMessage(6010, LogLevel.Information, "WebRTC settings: port {Port}, bind {BindAddress}, session timeout {Timeout}, max sessions {MaxSessions}")]
    public static partial void Settings(ILogger logger, int port, string bindAddress, TimeSpan timeout, int maxSessions);
}
