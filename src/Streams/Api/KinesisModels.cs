using Platform.Streams.Client.Protocol;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Streams.Api;

// Request and response shapes of the Kinesis Data Streams API (Kinesis_20131202), named as AWS names them.
#pragma warning disable CA1819 // byte[] Data mirrors the wire shape; System.Text.Json reads base64 into it directly.

public sealed record StreamRef
{
    public string? StreamName { get; init; }

    public string? StreamARN { get; init; }
}

public sealed record CreateStreamRequest
{
    public string? StreamName { get; init; }

    public int? ShardCount { get; init; }

    public StreamModeDetails? StreamModeDetails { get; init; }

    public Dictionary<string, string>? Tags { get; init; }
}

public sealed record StreamModeDetails(string StreamMode);

public sealed record DeleteStreamRequest
{
    public string? StreamName { get; init; }

    public string? StreamARN { get; init; }

    public bool? EnforceConsumerDeletion { get; init; }
}

public sealed record DescribeStreamRequest
{
    public string? StreamName { get; init; }

    public string? StreamARN { get; init; }

    public int? Limit { get; init; }

    public string? ExclusiveStartShardId { get; init; }
}

public sealed record ListStreamsRequest
{
    public int? Limit { get; init; }

    public string? ExclusiveStartStreamName { get; init; }

    public string? NextToken { get; init; }
}

public sealed record ShardFilter
{
    public string? Type { get; init; }

    public string? ShardId { get; init; }

    public DateTimeOffset? Timestamp { get; init; }
}

public sealed record ListShardsRequest
{
    public string? StreamName { get; init; }

    public string? StreamARN { get; init; }

    public string? NextToken { get; init; }

    public string? ExclusiveStartShardId { get; init; }

    public int? MaxResults { get; init; }

    public DateTimeOffset? StreamCreationTimestamp { get; init; }

    public ShardFilter? ShardFilter { get; init; }
}

public sealed record PutRecordRequest
{
    public string? StreamName { get; init; }

    public string? StreamARN { get; init; }

    public byte[]? Data { get; init; }

    public string? PartitionKey { get; init; }

    public string? ExplicitHashKey { get; init; }

    public string? SequenceNumberForOrdering { get; init; }
}

public sealed record PutRecordsRequestEntry
{
    public byte[]? Data { get; init; }

    public string? PartitionKey { get; init; }

    public string? ExplicitHashKey { get; init; }
}

public sealed record PutRecordsRequest
{
    public string? StreamName { get; init; }

    public string? StreamARN { get; init; }

    public List<PutRecordsRequestEntry>? Records { get; init; }
}

public sealed record PutRecordResponse(string ShardId, string SequenceNumber, string EncryptionType);

public sealed record PutRecordsResultEntry
{
    public string? ShardId { get; init; }

    public string? SequenceNumber { get; init; }

    public string? ErrorCode { get; init; }

    public string? ErrorMessage { get; init; }
}

public sealed record PutRecordsResponse(int FailedRecordCount, IReadOnlyList<PutRecordsResultEntry> Records, string EncryptionType);

public sealed record GetShardIteratorRequest
{
    public string? StreamName { get; init; }

    public string? StreamARN { get; init; }

    public string? ShardId { get; init; }

    public string? ShardIteratorType { get; init; }

    public string? StartingSequenceNumber { get; init; }

    public DateTimeOffset? Timestamp { get; init; }
}

public sealed record GetShardIteratorResponse(string ShardIterator);

public sealed record GetRecordsRequest
{
    public string? ShardIterator { get; init; }

    public int? Limit { get; init; }

    public string? StreamARN { get; init; }
}

public sealed record RecordOut(string SequenceNumber, DateTimeOffset ApproximateArrivalTimestamp, ReadOnlyMemory<byte> Data, string PartitionKey);

public sealed record HashKeyRangeOut(string StartingHashKey, string EndingHashKey);

public sealed record ChildShardOut(string ShardId, IReadOnlyList<string> ParentShards, HashKeyRangeOut HashKeyRange);

public sealed record GetRecordsResponse
{
    public required IReadOnlyList<RecordOut> Records { get; init; }

    public string? NextShardIterator { get; init; }

    public long MillisBehindLatest { get; init; }

    public IReadOnlyList<ChildShardOut>? ChildShards { get; init; }
}

public sealed record SequenceNumberRangeOut(string StartingSequenceNumber, string? EndingSequenceNumber);

public sealed record ShardOut(string ShardId, string? ParentShardId, string? AdjacentParentShardId, HashKeyRangeOut HashKeyRange, SequenceNumberRangeOut SequenceNumberRange);

public sealed record EnhancedMetricsOut(IReadOnlyList<string> ShardLevelMetrics);

public sealed record StreamDescriptionOut
{
    public required string StreamName { get; init; }

    public required string StreamARN { get; init; }

    public required string StreamStatus { get; init; }

    public required StreamModeDetails StreamModeDetails { get; init; }

    public required IReadOnlyList<ShardOut> Shards { get; init; }

    public bool HasMoreShards { get; init; }

    public int RetentionPeriodHours { get; init; }

    public DateTimeOffset StreamCreationTimestamp { get; init; }

    public IReadOnlyList<EnhancedMetricsOut> EnhancedMonitoring { get; init; } = [new EnhancedMetricsOut([])];

    public string EncryptionType { get; init; } = "NONE";
}

public sealed record DescribeStreamResponse(StreamDescriptionOut StreamDescription);

public sealed record StreamDescriptionSummaryOut
{
    public required string StreamName { get; init; }

    public required string StreamARN { get; init; }

    public required string StreamStatus { get; init; }

    public required StreamModeDetails StreamModeDetails { get; init; }

    public int RetentionPeriodHours { get; init; }

    public DateTimeOffset StreamCreationTimestamp { get; init; }

    public IReadOnlyList<EnhancedMetricsOut> EnhancedMonitoring { get; init; } = [new EnhancedMetricsOut([])];

    public string EncryptionType { get; init; } = "NONE";

    public int OpenShardCount { get; init; }

    public int ConsumerCount { get; init; }
}

public sealed record DescribeStreamSummaryResponse(StreamDescriptionSummaryOut StreamDescriptionSummary);

public sealed record StreamSummaryOut(string StreamName, string StreamARN, string StreamStatus, StreamModeDetails StreamModeDetails, DateTimeOffset StreamCreationTimestamp);

public sealed record ListStreamsResponse
{
    public required IReadOnlyList<string> StreamNames { get; init; }

    public bool HasMoreStreams { get; init; }

    public string? NextToken { get; init; }

    public required IReadOnlyList<StreamSummaryOut> StreamSummaries { get; init; }
}

public sealed record ListShardsResponse(IReadOnlyList<ShardOut> Shards, string? NextToken);

public sealed record SplitShardRequest
{
    public string? StreamName { get; init; }

    public string? StreamARN { get; init; }

    public string? ShardToSplit { get; init; }

    public string? NewStartingHashKey { get; init; }
}

public sealed record MergeShardsRequest
{
    public string? StreamName { get; init; }

    public string? StreamARN { get; init; }

    public string? ShardToMerge { get; init; }

    public string? AdjacentShardToMerge { get; init; }
}

public sealed record UpdateShardCountRequest
{
    public string? StreamName { get; init; }

    public string? StreamARN { get; init; }

    public int? TargetShardCount { get; init; }

    public string? ScalingType { get; init; }
}

public sealed record UpdateShardCountResponse(string StreamName, int CurrentShardCount, int TargetShardCount, string StreamARN);

public sealed record RetentionRequest
{
    public string? StreamName { get; init; }

    public string? StreamARN { get; init; }

    public int? RetentionPeriodHours { get; init; }
}

public sealed record AddTagsRequest
{
    public string? StreamName { get; init; }

    public string? StreamARN { get; init; }

    public Dictionary<string, string>? Tags { get; init; }
}

public sealed record RemoveTagsRequest
{
    public string? StreamName { get; init; }

    public string? StreamARN { get; init; }

    public List<string>? TagKeys { get; init; }
}

public sealed record ListTagsRequest
{
    public string? StreamName { get; init; }

    public string? StreamARN { get; init; }

    public string? ExclusiveStartTagKey { get; init; }

    public int? Limit { get; init; }
}

public sealed record TagOut(string Key, string Value);

public sealed record ListTagsResponse(IReadOnlyList<TagOut> Tags, bool HasMoreTags);

public sealed record ConsumerRequest
{
    public string? StreamARN { get; init; }

    public string? ConsumerName { get; init; }

    public string? ConsumerARN { get; init; }
}

public sealed record ListConsumersRequest
{
    public string? StreamARN { get; init; }

    public string? NextToken { get; init; }

    public int? MaxResults { get; init; }
}

public sealed record ConsumerOut(string ConsumerName, string ConsumerARN, string ConsumerStatus, DateTimeOffset ConsumerCreationTimestamp);

public sealed record ConsumerDescriptionOut(string ConsumerName, string ConsumerARN, string ConsumerStatus, DateTimeOffset ConsumerCreationTimestamp, string StreamARN);

public sealed record RegisterConsumerResponse(ConsumerOut Consumer);

public sealed record DescribeConsumerResponse(ConsumerDescriptionOut ConsumerDescription);

public sealed record ListConsumersResponse(IReadOnlyList<ConsumerOut> Consumers, string? NextToken);

public sealed record StartingPosition
{
    public string? Type { get; init; }

    public string? SequenceNumber { get; init; }

    public DateTimeOffset? Timestamp { get; init; }
}

public sealed record SubscribeToShardRequest
{
    public string? ConsumerARN { get; init; }

    public string? ShardId { get; init; }

    public StartingPosition? StartingPosition { get; init; }
}

public sealed record SubscribeToShardEventOut
{
    public required IReadOnlyList<RecordOut> Records { get; init; }

    /// <summary>Where a new subscription resumes (AFTER_SEQUENCE_NUMBER); absent on the last event of a closed shard.</summary>
    public string? ContinuationSequenceNumber { get; init; }

    public long MillisBehindLatest { get; init; }

    public IReadOnlyList<ChildShardOut>? ChildShards { get; init; }
}

public sealed record ErrorOut([property: JsonPropertyName("__type")] string Type, [property: JsonPropertyName("message")] string Message);

public sealed record EmptyResponse;

#pragma warning restore CA1819

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, Converters = [typeof(EpochSecondsConverter)])]
[JsonSerializable(typeof(StreamRef))]
[JsonSerializable(typeof(CreateStreamRequest))]
[JsonSerializable(typeof(DeleteStreamRequest))]
[JsonSerializable(typeof(DescribeStreamRequest))]
[JsonSerializable(typeof(ListStreamsRequest))]
[JsonSerializable(typeof(ListShardsRequest))]
[JsonSerializable(typeof(PutRecordRequest))]
[JsonSerializable(typeof(PutRecordsRequest))]
[JsonSerializable(typeof(PutRecordResponse))]
[JsonSerializable(typeof(PutRecordsResponse))]
[JsonSerializable(typeof(GetShardIteratorRequest))]
[JsonSerializable(typeof(GetShardIteratorResponse))]
[JsonSerializable(typeof(GetRecordsRequest))]
[JsonSerializable(typeof(GetRecordsResponse))]
[JsonSerializable(typeof(DescribeStreamResponse))]
[JsonSerializable(typeof(DescribeStreamSummaryResponse))]
[JsonSerializable(typeof(ListStreamsResponse))]
[JsonSerializable(typeof(ListShardsResponse))]
[JsonSerializable(typeof(SplitShardRequest))]
[JsonSerializable(typeof(MergeShardsRequest))]
[JsonSerializable(typeof(UpdateShardCountRequest))]
[JsonSerializable(typeof(UpdateShardCountResponse))]
[JsonSerializable(typeof(RetentionRequest))]
[JsonSerializable(typeof(AddTagsRequest))]
[JsonSerializable(typeof(RemoveTagsRequest))]
[JsonSerializable(typeof(ListTagsRequest))]
[JsonSerializable(typeof(ListTagsResponse))]
[JsonSerializable(typeof(ConsumerRequest))]
[JsonSerializable(typeof(ListConsumersRequest))]
[JsonSerializable(typeof(RegisterConsumerResponse))]
[JsonSerializable(typeof(DescribeConsumerResponse))]
[JsonSerializable(typeof(ListConsumersResponse))]
[JsonSerializable(typeof(SubscribeToShardRequest))]
[JsonSerializable(typeof(SubscribeToShardEventOut))]
[JsonSerializable(typeof(ErrorOut))]
[JsonSerializable(typeof(EmptyResponse))]
public sealed partial class KinesisJson : JsonSerializerContext
{
    /// <summary>
    /// The wire settings: like <see cref="Default"/>, but without escaping '+' and '/' in base64 data as \u002B,
    /// which would make GetRecords responses several times larger. The body is JSON for API clients, never HTML.
    /// </summary>
    public static KinesisJson Wire { get; } = new(new JsonSerializerOptions
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new EpochSecondsConverter() },
    });
}
