using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Platform.Streams.Client.EventStream;
using Platform.Streams.Service;

namespace Platform.Streams.Api;

/// <summary>
/// SubscribeToShard (enhanced fan-out): a 200 response whose body is an AWS event stream: an
/// <c>initial-response</c> event at once, then a <c>SubscribeToShardEvent</c> whenever records arrive (and
/// at least every few seconds while the shard is quiet), until the subscription's five minutes are up or a
/// closed shard has been read to its end (the last event names the children).
/// </summary>
public static partial class KinesisApi
{
    /// <summary>How long one subscription lasts (Kinesis: 5 minutes); the client then subscribes again.</summary>
    public static TimeSpan SubscriptionLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest a quiet subscription goes without an event (5 s; tests shorten it).</summary>
    internal static TimeSpan QuietEventInterval { get; set; } = TimeSpan.FromSeconds(5);

    private static async Task SubscribeToShardAsync(HttpContext context, StreamService service, SubscribeToShardRequest request, bool cbor, CancellationToken ct)
    {
        var options = service.Options;
        var (streamName, consumerName) = StreamNames.ParseConsumerArn(options, request.ConsumerARN ?? throw KinesisErrors.Constraint("consumerARN", "null", "Member must not be null"));
        var (_, consumer) = await service.DescribeConsumerAsync(streamName, consumerName, ct);
        if (consumer.Arn != request.ConsumerARN)
        {
            throw new KinesisException(KinesisErrors.ResourceNotFound, $"Consumer {request.ConsumerARN} not found.");
        }

        var position = request.StartingPosition ?? throw KinesisErrors.Constraint("startingPosition", "null", "Member must not be null");
        var iterator = await service.GetShardIteratorAsync(streamName, request.ShardId, position.Type, position.SequenceNumber, position.Timestamp, ct);
        string? lastDelivered = null;

        context.Response.StatusCode = 200;
        context.Response.ContentType = KinesisEventStream.HttpContentType;
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        // Payloads are JSON, or their CBOR translation when the request came in CBOR.
        var payloadType = cbor ? KinesisCbor.ContentType : KinesisEventStream.PayloadContentType;
        var cborPayload = cbor ? new ArrayBufferWriter<byte>(64 * 1024) : null;
        ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> json)
        {
            if (cborPayload is null)
            {
                return json;
            }

            cborPayload.ResetWrittenCount();
            KinesisCbor.FromJson(json, cborPayload);
            return cborPayload.WrittenSpan;
        }

        EventStreamWriter.WriteEvent(buffer, KinesisEventStream.InitialResponseEventType, payloadType, Payload("{}"u8));

        await FlushEventsAsync(context, buffer, ct);

        var time = TimeProvider.System;
        var ends = time.GetTimestamp();
        var lastEvent = time.GetTimestamp();
        try
        {
            while (time.GetElapsedTime(ends) < SubscriptionLifetime)
            {
                var result = await service.GetRecordsAsync(iterator, StreamService.MaxGetRecordsLimit, ct);
                if (result.Records.Count > 0)
                {
                    lastDelivered = result.Records[^1].SequenceNumber.ToString();
                }

                var finished = result.NextShardIterator is null;
                // An empty answer that is not caught up is still passing over records before an AT_TIMESTAMP time (or
                // damage): read on at once, and send no quiet event from the middle of it, whose continuation would
                // resume there without the time and deliver the rest of those records.
                var passingOver = !finished && result.Records.Count == 0 && result.MillisBehindLatest > 0;
                if (result.Records.Count > 0 || finished || (!passingOver && time.GetElapsedTime(lastEvent) >= QuietEventInterval))
                {
                    var payload = JsonSerializer.SerializeToUtf8Bytes(new SubscribeToShardEventOut
                    {
                        Records = ToRecords(result.Records),
                        // Resubscribing AFTER_SEQUENCE_NUMBER this resumes exactly here: the last record delivered, or,
                        // before any, the number just below where the reader stands (not the shard's start, which would
                        // replay it, nor the requested number, which AT would skip). None once a closed shard is read to
                        // its end: that absence is how the KCL tells the end of a shard, and ChildShards says what follows.
                        ContinuationSequenceNumber = finished ? null : lastDelivered ?? Log.SequenceNumber.Before(result.Next).ToString(),
                        MillisBehindLatest = result.MillisBehindLatest,
                        ChildShards = result.ChildShards is null ? null : ToChildren(result.ChildShards),
                    }, KinesisJson.Wire.SubscribeToShardEventOut);
                    EventStreamWriter.WriteEvent(buffer, KinesisEventStream.SubscribeToShardEventType, payloadType, Payload(payload));

                    await FlushEventsAsync(context, buffer, ct);
                    lastEvent = time.GetTimestamp();
                }

                if (finished)
                {
                    return;
                }

                iterator = result.NextShardIterator!;
                if (result.Records.Count == 0 && !passingOver)
                {
                    await service.WaitForRecordsAsync(streamName, request.ShardId!, TimeSpan.FromMilliseconds(250), ct);
                }
            }
        }
        catch (KinesisException e)
        {
            EventStreamWriter.WriteException(buffer, e.ErrorType, payloadType, Payload(MessageJson(e.Message)));

            await FlushEventsAsync(context, buffer, ct);
        }
    }

    /// <summary>An event stream exception's payload, <c>{"message": ...}</c>.</summary>
    private static ReadOnlySpan<byte> MessageJson(string message)
    {
        var json = new ArrayBufferWriter<byte>(message.Length + 16);
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteString("message"u8, message);
            writer.WriteEndObject();
        }

        return json.WrittenSpan;
    }

    private static async Task FlushEventsAsync(HttpContext context, ArrayBufferWriter<byte> buffer, CancellationToken ct)
    {
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, ct);
        await context.Response.Body.FlushAsync(ct);
        buffer.ResetWrittenCount();
    }
}
