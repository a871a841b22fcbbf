using System.Buffers;
using System.Text.Json;

namespace Platform.Streams.Client.EventStream;

/// <summary>
/// The messages of a Kinesis <c>SubscribeToShard</c> response body (AWS JSON 1.1 protocol). The HTTP
/// response is status 200 with content type <see cref="HttpContentType"/>; its body is an optional
/// <c>initial-response</c> event, then <c>SubscribeToShardEvent</c> events, and at most one exception or
/// error message, after which the stream ends.
/// </summary>
public static class KinesisEventStream
{
    /// <summary>The HTTP <c>Content-Type</c> of an event stream response body.</summary>
    public const string HttpContentType = "application/vnd.amazon.eventstream";

    /// <summary>The <c>:content-type</c> of every JSON payload Kinesis sends, events and exceptions alike.</summary>
    public const string PayloadContentType = "application/x-amz-json-1.1";

    /// <summary>
    /// The event RPC protocols send first, carrying the operation's output members other than the stream.
    /// SubscribeToShard has none, so its payload is <c>{}</c>.
    /// </summary>
    public const string InitialResponseEventType = "initial-response";

    /// <summary>The one data event of SubscribeToShard: Records, ContinuationSequenceNumber, MillisBehindLatest, ChildShards.</summary>
    public const string SubscribeToShardEventType = "SubscribeToShardEvent";

    /// <summary>Writes the <c>initial-response</c> event with an empty JSON object.</summary>
    public static int WriteInitialResponse(IBufferWriter<byte> output) =>
        EventStreamWriter.WriteEvent(output, InitialResponseEventType, PayloadContentType, "{}"u8);

    /// <summary>Writes a <c>SubscribeToShardEvent</c> whose payload is the already-serialised JSON object.</summary>
    public static int WriteSubscribeToShardEvent(IBufferWriter<byte> output, ReadOnlySpan<byte> json) =>
        EventStreamWriter.WriteEvent(output, SubscribeToShardEventType, PayloadContentType, json);

    /// <summary>
    /// Writes a modeled exception with payload <c>{"message": ...}</c>. The AWS SDKs raise their typed
    /// exception for the members of the SubscribeToShard event stream union (ResourceNotFoundException,
    /// ResourceInUseException, InternalFailureException and the KMS* errors); any other name surfaces as
    /// a generic error carrying that name.
    /// </summary>
    public static int WriteException(IBufferWriter<byte> output, string exceptionType, string message)
    {
        ArgumentNullException.ThrowIfNull(message);

        // Exceptions end the stream, so the small allocations here are not on a hot path.
        var json = new ArrayBufferWriter<byte>(message.Length + 16);
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteString("message", message);
            writer.WriteEndObject();
        }

        return EventStreamWriter.WriteException(output, exceptionType, PayloadContentType, json.WrittenSpan);
    }
}
