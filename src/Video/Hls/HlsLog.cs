using Microsoft.Extensions.Logging;

namespace Platform.Video.Hls;

/// <summary>HLS playback logs, event ids 5300–5349.</summary>
internal static partial class HlsLog
{
    [LoggerMessage(EventId = 5300, Level = LogLevel.Information, Message = "HLS session refused for {Path}: token {Reason}")]
    public static partial void TokenRefused(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 5301, Level = LogLevel.Information, Message = "Unsigned HLS request refused for {Path}: Platform:Video:Playback:AllowUnsignedPlayback is false")]
    public static partial void UnsignedRefused(ILogger logger, string path);

    [LoggerMessage(EventId = 5302, Level = LogLevel.Error, Message = "HLS request {Path} failed on storage")]
    public static partial void StorageFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 5303, Level = LogLevel.Information, Message = "HLS playback: unsigned live playlists {Unsigned}; live playlists cached {LiveMs} ms, on-demand {OnDemandSeconds} s, media {MediaMinutes} min; cache {CacheMb} MiB")]
    public static partial void Settings(ILogger logger, bool unsigned, int liveMs, int onDemandSeconds, int mediaMinutes, int cacheMb);
}
