using System.Text.Json.Serialization;
using Platform.Triggers.Engine;

namespace Platform.Triggers.Destinations;

/// <summary>
/// The on-failure record, in the shape AWS Lambda sends for Kinesis event sources, plus what Lambda throws away:
/// the failed records themselves (<see cref="Records"/>, inline in blob destinations) or where they are kept
/// (<see cref="PayloadLocation"/>, for stream destinations, whose records are size-limited).
/// </summary>
public sealed class FailureRecord
{
    [JsonPropertyName("requestContext")]
    public required FailureRequestContext RequestContext { get; init; }

    [JsonPropertyName("responseContext")]
    public required FailureResponseContext ResponseContext { get; init; }

    [JsonPropertyName("version")]
    public string Version { get; init; } = "1.0";

    [JsonPropertyName("timestamp")]
    public required DateTimeOffset Timestamp { get; init; }

    [JsonPropertyName("KinesisBatchInfo")]
    public required KinesisBatchInfo KinesisBatchInfo { get; init; }

    /// <summary>The failed records with their data (blob destinations and payload blobs).</summary>
    [JsonPropertyName("records")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<FailedRecordPayload>? Records { get; init; }

    /// <summary><c>container/blob</c> holding this record with its payloads (stream destinations).</summary>
    [JsonPropertyName("payloadLocation")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PayloadLocation { get; init; }

    public static FailureRecord Create(FailedBatch batch, FailureSource source, string region, string account, DateTimeOffset now, bool withPayloads)
    {
        var records = batch.Records;
        return new FailureRecord
        {
            RequestContext = new FailureRequestContext
            {
                RequestId = Guid.NewGuid().ToString(),
                FunctionArn = $"arn:aws:lambda:{region}:{account}:function:{source.FunctionName}",
                Condition = batch.Condition.ToString(),
                ApproximateInvokeCount = batch.ApproximateInvokeCount,
            },
            ResponseContext = new FailureResponseContext { StatusCode = 200, FunctionError = batch.FunctionError, ErrorMessage = batch.Message },
            Timestamp = now,
            KinesisBatchInfo = new KinesisBatchInfo
            {
                ShardId = source.ShardId,
                StartSequenceNumber = records[0].SequenceNumber,
                EndSequenceNumber = records[^1].SequenceNumber,
                ApproximateArrivalOfFirstRecord = records[0].ApproximateArrivalTimestamp,
                ApproximateArrivalOfLastRecord = records[^1].ApproximateArrivalTimestamp,
                BatchSize = records.Count,
                StreamArn = source.StreamArn,
            },
            Records = withPayloads
                ? [.. records.Select(r => new FailedRecordPayload { SequenceNumber = r.SequenceNumber, PartitionKey = r.PartitionKey, ApproximateArrivalTimestamp = r.ApproximateArrivalTimestamp, Data = r.Data.ToArray() })]
                : null,
        };
    }
}

public sealed class FailureRequestContext
{
    [JsonPropertyName("requestId")]
    public required string RequestId { get; init; }

    [JsonPropertyName("functionArn")]
    public required string FunctionArn { get; init; }

    [JsonPropertyName("condition")]
    public required string Condition { get; init; }

    [JsonPropertyName("approximateInvokeCount")]
    public int ApproximateInvokeCount { get; init; }
}

public sealed class FailureResponseContext
{
    [JsonPropertyName("statusCode")]
    public int StatusCode { get; init; }

    [JsonPropertyName("executedVersion")]
    public string ExecutedVersion { get; init; } = "$LATEST";

    [JsonPropertyName("functionError")]
    public string? FunctionError { get; init; }

    /// <summary>Beyond Lambda: the last error's message.</summary>
    [JsonPropertyName("errorMessage")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ErrorMessage { get; init; }
}

public sealed class KinesisBatchInfo
{
    [JsonPropertyName("shardId")]
    public required string ShardId { get; init; }

    [JsonPropertyName("startSequenceNumber")]
    public required string StartSequenceNumber { get; init; }

    [JsonPropertyName("endSequenceNumber")]
    public required string EndSequenceNumber { get; init; }

    [JsonPropertyName("approximateArrivalOfFirstRecord")]
    public DateTimeOffset ApproximateArrivalOfFirstRecord { get; init; }

    [JsonPropertyName("approximateArrivalOfLastRecord")]
    public DateTimeOffset ApproximateArrivalOfLastRecord { get; init; }

    [JsonPropertyName("batchSize")]
    public int BatchSize { get; init; }

    [JsonPropertyName("streamArn")]
    public required string StreamArn { get; init; }
}

/// <summary>One failed record with its data (base64 in JSON), ready to re-drive.</summary>
public sealed class FailedRecordPayload
{
    [JsonPropertyName("sequenceNumber")]
    public required string SequenceNumber { get; init; }

    [JsonPropertyName("partitionKey")]
    public required string PartitionKey { get; init; }

    [JsonPropertyName("approximateArrivalTimestamp")]
    public DateTimeOffset ApproximateArrivalTimestamp { get; init; }

    [JsonPropertyName("data")]
    public required byte[] Data { get; init; }
}
