using Microsoft.Extensions.Logging;

namespace Platform.Video.Store;

/// <summary>Logs of the fragment store, stream catalog and ingest glue (event ids 5400–5499).</summary>
internal static partial class VideoLog
{
    [LoggerMessage(EventId = 5400, Level = LogLevel.Error, Message = "Video maintenance of stream {Stream} failed; the next pass retries")]
    public static partial void MaintenanceFailed(ILogger logger, string stream, Exception exception);

    [LoggerMessage(EventId = 5401, Level = LogLevel.Information, Message = "Video stream {Stream} deleted with {Blobs} blobs")]
    public static partial void StreamDeleted(ILogger logger, string stream, int blobs);

    [LoggerMessage(EventId = 5402, Level = LogLevel.Information, Message = "Video stream {Stream}: hour {Hour} passed retention; {Blobs} blobs deleted")]
    public static partial void HourExpired(ILogger logger, string stream, DateTimeOffset hour, int blobs);

    [LoggerMessage(EventId = 5403, Level = LogLevel.Information, Message = "Video stream {Stream}: {Count} fragments ({Bytes} bytes) of hour {Hour} moved to the warm tier")]
    public static partial void Consolidated(ILogger logger, string stream, DateTimeOffset hour, int count, long bytes);

    [LoggerMessage(EventId = 5404, Level = LogLevel.Information, Message = "Video stream {Stream}: hour {Hour} changed while it was being moved to the warm tier (another host or a late fragment); the next pass retries")]
    public static partial void ConsolidationRaced(ILogger logger, string stream, DateTimeOffset hour);

    [LoggerMessage(EventId = 5405, Level = LogLevel.Warning, Message = "Video stream {Stream}: indexed fragment {Number} is missing or damaged in the hot tier; its hour stays hot until retention")]
    public static partial void HotFragmentMissing(ILogger logger, string stream, long number);

    [LoggerMessage(EventId = 5406, Level = LogLevel.Warning, Message = "Video stream {Stream}: {Count} damaged records skipped in the index of hour {Hour}")]
    public static partial void DamagedIndexRecords(ILogger logger, string stream, DateTimeOffset hour, int count);

    [LoggerMessage(EventId = 5407, Level = LogLevel.Warning, Message = "Video stream {Stream}: another writer appended to the index of hour {Hour}; this session continues at ordinal {Ordinal}")]
    public static partial void IndexAppendRaced(ILogger logger, string stream, DateTimeOffset hour, long ordinal);

    [LoggerMessage(EventId = 5410, Level = LogLevel.Information, Message = "Publish to video stream {Stream} over {Protocol} from {Remote} started (session {Session})")]
    public static partial void PublishStarted(ILogger logger, string stream, string protocol, string remote, string session);

    [LoggerMessage(EventId = 5411, Level = LogLevel.Information, Message = "Publish to video stream {Stream} ended after {Fragments} fragments (session {Session})")]
    public static partial void PublishEnded(ILogger logger, string stream, long fragments, string session);

    [LoggerMessage(EventId = 5412, Level = LogLevel.Warning, Message = "Publish to video stream {Stream} over {Protocol} from {Remote} refused: {Reason}")]
    public static partial void PublishRefused(ILogger logger, string stream, string protocol, string remote, string reason);

    [LoggerMessage(EventId = 5413, Level = LogLevel.Information, Message = "Video stream {Stream} created on first publish")]
    public static partial void StreamAutoCreated(ILogger logger, string stream);

    [LoggerMessage(EventId = 5414, Level = LogLevel.Error, Message = "Publish session {Session} on video stream {Stream} could not store its output; the publisher is cut off")]
    public static partial void StoreFailed(ILogger logger, string stream, string session, Exception exception);

    [LoggerMessage(EventId = 5415, Level = LogLevel.Warning, Message = "Publish session {Session} lost its claim on video stream {Stream} (renewal failed or another host took it over)")]
    public static partial void ClaimLost(ILogger logger, string stream, string session);

    [LoggerMessage(EventId = 5416, Level = LogLevel.Warning, Message = "Publish session {Session} on video stream {Stream} could not renew its claim; retrying")]
    public static partial void ClaimRenewFailed(ILogger logger, string stream, string session, Exception exception);

    [LoggerMessage(EventId = 5420, Level = LogLevel.Information, Message = "Video: auto-create {AutoCreate}, default retention {RetentionHours} h, warm after {WarmAfter}, fragments {FragmentDuration}, live window {LiveWindow}, maintenance every {Interval}")]
    public static partial void Settings(ILogger logger, bool autoCreate, int retentionHours, TimeSpan warmAfter, TimeSpan fragmentDuration, int liveWindow, TimeSpan interval);
}
