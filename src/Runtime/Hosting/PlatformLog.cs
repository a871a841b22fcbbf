using Microsoft.Extensions.Logging;

namespace Platform.Runtime.Hosting;

/// <summary>Host log messages (event ids 1000–1099).</summary>
internal static partial class PlatformLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information,
        Message = "Platform started: listening on {Urls}; storage {Storage}; host.json {HostJson}; environment {Environment}")]
    public static partial void Started(ILogger logger, string urls, string storage, string hostJson, string environment);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Health check failed: storage did not answer")]
    public static partial void HealthCheckFailed(ILogger logger, Exception exception);
}
