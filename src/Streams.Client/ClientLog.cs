using Microsoft.Extensions.Logging;

namespace Platform.Streams.Client;

/// <summary>Client log messages: producer 7100–7149, consumer 7150–7199.</summary>
internal static partial class ClientLog
{
    [LoggerMessage(EventId = 7100, Level = LogLevel.Information,
        Message = "Kinesis producer for {Stream} started: linger {Linger}, up to {MaxRecordsPerRequest} records or {MaxBytesPerRequest} bytes per request, " +
                  "{MaxRequestsInFlight} requests in flight, buffer {MaxBufferedRecords} records or {MaxBufferedBytes} bytes, record TTL {RecordTtl}, " +
                  "order per partition key {PreserveOrder}")]
    public static partial void ProducerStarted(ILogger logger, string stream, TimeSpan linger, int maxRecordsPerRequest, int maxBytesPerRequest,
        int maxRequestsInFlight, int maxBufferedRecords, long maxBufferedBytes, TimeSpan recordTtl, bool preserveOrder);

    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning, Message = "PutRecords to {Stream} failed with {ErrorType}; its {Count} records will be retried")]
    public static partial void RequestFailedRetrying(ILogger logger, string stream, string errorType, int count, Exception exception);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Debug, Message = "PutRecords to {Stream}: {Failed} of {Count} records failed ({ErrorType}) and will be retried")]
    public static partial void RecordsFailedRetrying(ILogger logger, string stream, int failed, int count, string errorType);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Debug, Message = "A record for {Stream} failed after {Attempts} attempts with {ErrorType}")]
    public static partial void RecordFailed(ILogger logger, string stream, int attempts, string errorType);

    [LoggerMessage(EventId = 7104, Level = LogLevel.Error, Message = "Kinesis producer for {Stream} stopped after an internal error; its pending records failed")]
    public static partial void ProducerCrashed(ILogger logger, string stream, Exception exception);

    [LoggerMessage(EventId = 7105, Level = LogLevel.Warning, Message = "PutRecords to {Stream} failed with {ErrorType}, which a retry cannot fix; its {Count} records failed")]
    public static partial void RequestFailed(ILogger logger, string stream, string errorType, int count, Exception exception);

    [LoggerMessage(EventId = 7150, Level = LogLevel.Information, Message = "Kinesis consumer for {Stream} started at {StartPosition}")]
    public static partial void ConsumerStarted(ILogger logger, string stream, Consumer.StartPosition startPosition);

    [LoggerMessage(EventId = 7151, Level = LogLevel.Debug, Message = "Reading shard {ShardId} of {Stream} from {Position}")]
    public static partial void ShardStarted(ILogger logger, string stream, string shardId, Consumer.StartPosition position);

    [LoggerMessage(EventId = 7152, Level = LogLevel.Debug, Message = "Shard {ShardId} of {Stream} is closed and read to its end")]
    public static partial void ShardFinished(ILogger logger, string stream, string shardId);

    [LoggerMessage(EventId = 7153, Level = LogLevel.Warning, Message = "Reading shard {ShardId} of {Stream} failed with {ErrorType}; retrying in {Delay}")]
    public static partial void ShardReadRetrying(ILogger logger, string stream, string shardId, string errorType, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 7154, Level = LogLevel.Debug, Message = "The iterator of shard {ShardId} of {Stream} expired; continuing after {SequenceNumber}")]
    public static partial void IteratorExpired(ILogger logger, string stream, string shardId, string? sequenceNumber);

    [LoggerMessage(EventId = 7155, Level = LogLevel.Warning, Message = "Listing the shards of {Stream} failed with {ErrorType}; retrying in {Delay}")]
    public static partial void ListShardsRetrying(ILogger logger, string stream, string errorType, TimeSpan delay, Exception exception);
}
