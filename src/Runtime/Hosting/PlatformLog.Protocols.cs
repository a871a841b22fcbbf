using Microsoft.Extensions.Logging;

namespace Platform.Runtime.Hosting;

/// <summary>Protocol selection on the platform's port (event ids 1050–1059).</summary>
internal static partial class PlatformLog
{
    [LoggerMessage(EventId = 1050, Level = LogLevel.Debug, Message = "Connection {ConnectionId} opened with the HTTP/2 preface: serving HTTP/2 (h2c, prior knowledge)")]
    public static partial void PriorKnowledgeHttp2(ILogger logger, string connectionId);

    [LoggerMessage(EventId = 1051, Level = LogLevel.Debug, Message = "Connection {ConnectionId} closed: it did not show its protocol within {Timeout}")]
    public static partial void PrefaceTimedOut(ILogger logger, string connectionId, TimeSpan timeout);
}
