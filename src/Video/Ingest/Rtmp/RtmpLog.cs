using System.Net;
using Microsoft.Extensions.Logging;
using Platform.Video.Media;

namespace Platform.Video.Ingest.Rtmp;

/// <summary>RTMP ingest log messages (event ids 5100–5149).</summary>
internal static partial class RtmpLog
{
    [LoggerMessage(EventId = 5100, Level = LogLevel.Information,
        Message = "RTMP ingest listening on {EndPoint} (max {MaxConnections} connections, messages up to {MaxMessageSize} bytes, handshake timeout {HandshakeTimeout}, idle timeout {IdleTimeout})")]
    public static partial void Listening(ILogger logger, EndPoint endPoint, int maxConnections, int maxMessageSize, TimeSpan handshakeTimeout, TimeSpan idleTimeout);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "RTMP connection from {Remote} refused: {MaxConnections} connections already open")]
    public static partial void TooManyConnections(ILogger logger, string remote, int maxConnections);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Debug, Message = "RTMP connection {ConnectionId} from {Remote} accepted")]
    public static partial void Accepted(ILogger logger, long connectionId, string remote);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "RTMP connection {ConnectionId} from {Remote} closed: {Reason}")]
    public static partial void ProtocolViolation(ILogger logger, long connectionId, string remote, string reason);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Information, Message = "RTMP connection {ConnectionId} from {Remote} closed: {Reason}")]
    public static partial void Closed(ILogger logger, long connectionId, string remote, string reason);

    [LoggerMessage(EventId = 5105, Level = LogLevel.Error, Message = "RTMP connection {ConnectionId} from {Remote} failed")]
    public static partial void Failed(ILogger logger, long connectionId, string remote, Exception exception);

    [LoggerMessage(EventId = 5106, Level = LogLevel.Information, Message = "RTMP connection {ConnectionId} publishing stream {Stream}")]
    public static partial void PublishStarted(ILogger logger, long connectionId, string stream);

    [LoggerMessage(EventId = 5107, Level = LogLevel.Warning, Message = "RTMP connection {ConnectionId}: publish to {Stream} refused ({Rejection}): {Reason}")]
    public static partial void PublishRefused(ILogger logger, long connectionId, string stream, PublishRejection rejection, string reason);

    [LoggerMessage(EventId = 5108, Level = LogLevel.Information, Message = "RTMP connection {ConnectionId}: publish of {Stream} ended")]
    public static partial void PublishEnded(ILogger logger, long connectionId, string stream);

    [LoggerMessage(EventId = 5109, Level = LogLevel.Information, Message = "RTMP connection {ConnectionId}: {Kind} track {Codec} {Width}x{Height} {SampleRate} Hz {Channels} ch")]
    public static partial void TrackConfigured(ILogger logger, long connectionId, TrackKind kind, MediaCodec codec, int width, int height, int sampleRate, int channels);

    [LoggerMessage(EventId = 5110, Level = LogLevel.Warning, Message = "RTMP connection {ConnectionId}: {Reason}; those tags are dropped")]
    public static partial void MediaIgnored(ILogger logger, long connectionId, string reason);

    [LoggerMessage(EventId = 5111, Level = LogLevel.Debug, Message = "RTMP connection {ConnectionId}: command {Command} ignored")]
    public static partial void CommandIgnored(ILogger logger, long connectionId, string command);

    [LoggerMessage(EventId = 5112, Level = LogLevel.Debug, Message = "RTMP connection {ConnectionId}: metadata {Metadata}")]
    public static partial void Metadata(ILogger logger, long connectionId, string metadata);

    [LoggerMessage(EventId = 5113, Level = LogLevel.Debug, Message = "RTMP connection {ConnectionId}: message type {TypeId} ignored")]
    public static partial void MessageIgnored(ILogger logger, long connectionId, int typeId);

    [LoggerMessage(EventId = 5114, Level = LogLevel.Error, Message = "RTMP accept loop failed; retrying")]
    public static partial void AcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5115, Level = LogLevel.Information, Message = "RTMP receive completions run {Mode}")]
    public static partial void SocketCompletions(ILogger logger, string mode);
}
