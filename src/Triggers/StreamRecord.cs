using System.Text;
using System.Text.Json;

namespace Platform.Triggers;

/// <summary>
/// One record of a stream as a function sees it, with the fields of a record in AWS Lambda's Kinesis event.
/// </summary>
public sealed class StreamRecord
{
    public required ReadOnlyMemory<byte> Data { get; init; }

    public required string PartitionKey { get; init; }

    /// <summary>The record's sequence number in its shard; the <c>ItemIdentifier</c> of a partial batch response.</summary>
    public required string SequenceNumber { get; init; }

    public required DateTimeOffset ApproximateArrivalTimestamp { get; init; }

    public required string ShardId { get; init; }

    public required string StreamName { get; init; }

    /// <summary>The stream's ARN (Lambda's <c>eventSourceARN</c>).</summary>
    public required string EventSourceArn { get; init; }

    /// <summary><c>{shardId}:{sequenceNumber}</c>, as Lambda's <c>eventID</c>.</summary>
    public string EventId => ShardId + ":" + SequenceNumber;

    public string EventSource { get; } = "aws:kinesis";

    public string EventName { get; } = "aws:kinesis:record";

    /// <summary>The data as UTF-8 text.</summary>
    public string DataAsString() => Encoding.UTF8.GetString(Data.Span);

    /// <summary>The data as JSON of <typeparamref name="T"/>.</summary>
    /// <exception cref="JsonException">The data is not JSON of that shape.</exception>
    public T? Deserialize<T>(JsonSerializerOptions? options = null) => JsonSerializer.Deserialize<T>(Data.Span, options ?? JsonSerializerOptions.Web);
}
