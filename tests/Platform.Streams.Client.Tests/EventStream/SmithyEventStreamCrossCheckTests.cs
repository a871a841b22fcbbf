using System.Buffers;
using System.Globalization;
using System.Text.Json.Nodes;
using Platform.Streams.Client.EventStream;

namespace Platform.Streams.Client.Tests.EventStream;

/// <summary>
/// Checks our codec against the AWS SDK for JavaScript v3 (@smithy/core event-streams and
/// @aws-sdk/client-kinesis from infra/node_modules): each side decodes what the other encodes, and the
/// real SubscribeToShardCommand consumes a response body we wrote.
/// </summary>
public sealed class SmithyEventStreamCrossCheckTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(65536)]
    public async Task MessagesWeEncode_AreDecodedBySmithy_ToTheSameHeadersAndPayloads(int chunkSize)
    {
        var messages = SampleMessages();
        var output = new ArrayBufferWriter<byte>();
        foreach (var message in messages)
        {
            EventStreamWriter.Write(output, message);
        }

        var answer = await SmithyEventStream.RunAsync("decode", SmithyEventStream.Request(
            ("data", Convert.ToBase64String(output.WrittenSpan)),
            ("chunkSize", chunkSize)));

        var decoded = answer["messages"]!.AsArray();
        Assert.Equal(messages.Length, decoded.Count);
        for (var i = 0; i < messages.Length; i++)
        {
            Assert.Equal(ToJson(messages[i]).ToJsonString(), decoded[i]!.ToJsonString());
        }
    }

    [Fact]
    public async Task MessagesSmithyEncodes_AreDecodedByUs_AndMatchOurEncodingByteForByte()
    {
        var messages = SampleMessages();
        var request = new JsonArray([.. messages.Select(m => (JsonNode)ToJson(m))]);

        var answer = await SmithyEventStream.RunAsync("encode", SmithyEventStream.Request(("messages", request)));
        var smithyBytes = Convert.FromBase64String(SmithyEventStream.Text(answer["data"]));

        var ours = new ArrayBufferWriter<byte>();
        foreach (var message in messages)
        {
            EventStreamWriter.Write(ours, message);
        }

        Assert.Equal(Convert.ToHexString(ours.WrittenSpan), Convert.ToHexString(smithyBytes));

        var buffer = EventStreamTestData.Segmented(smithyBytes, 3);
        var reader = new EventStreamReader();
        foreach (var expected in messages)
        {
            Assert.True(reader.TryRead(ref buffer, out var message));
            Assert.Equal(expected.Headers, message.Headers);
            Assert.Equal(expected.Payload.ToArray(), message.Payload.ToArray());
        }

        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public async Task TheKinesisClient_ReadsOurSubscribeToShardStream_AndRaisesOurTypedException()
    {
        var body = new ArrayBufferWriter<byte>();
        KinesisEventStream.WriteInitialResponse(body);
        KinesisEventStream.WriteSubscribeToShardEvent(body, EventJson("49590338271490256608559692538361571095921575989136588898", "aGVsbG8=", "1763800000.123"u8));
        EventStreamWriter.WriteEvent(body, "SomeFutureEvent", KinesisEventStream.PayloadContentType, "{}"u8);
        KinesisEventStream.WriteSubscribeToShardEvent(body, EventJson("49590338271490256608559692538361571095921575989136588899", "d29ybGQ=", "1763800001"u8));
        KinesisEventStream.WriteException(body, "ResourceNotFoundException", "Consumer c is not ACTIVE.");

        var answer = await SubscribeAsync(body.WrittenSpan, chunkSize: 5);

        Assert.Equal("Kinesis_20131202.SubscribeToShard", SmithyEventStream.Text(answer["request"]!["target"]));
        Assert.Equal("application/x-amz-json-1.1", SmithyEventStream.Text(answer["request"]!["contentType"]));

        // initial-response is folded into the command output, not yielded; the unknown event type is skipped.
        Assert.Equal("""["EventStream"]""", answer["outputKeys"]!.ToJsonString());
        var events = answer["events"]!.AsArray();
        Assert.Equal(2, events.Count);
        var first = events[0]!["SubscribeToShardEvent"]!;
        Assert.Equal("49590338271490256608559692538361571095921575989136588898", SmithyEventStream.Text(first["ContinuationSequenceNumber"]));
        Assert.Equal(0, first["MillisBehindLatest"]!.GetValue<int>());
        var record = first["Records"]![0]!;
        Assert.Equal("aGVsbG8=", SmithyEventStream.Text(record["Data"]));
        Assert.Equal("pk", SmithyEventStream.Text(record["PartitionKey"]));
        Assert.Equal("2025-11-22T08:26:40.123Z", SmithyEventStream.Text(record["ApproximateArrivalTimestamp"]));
        Assert.Equal("shardId-000000000001", SmithyEventStream.Text(first["ChildShards"]![0]!["ShardId"]));
        Assert.Equal("d29ybGQ=", SmithyEventStream.Text(events[1]!["SubscribeToShardEvent"]!["Records"]![0]!["Data"]));

        var error = answer["error"]!;
        Assert.Equal("ResourceNotFoundException", SmithyEventStream.Text(error["name"]));
        Assert.Equal("ResourceNotFoundException", SmithyEventStream.Text(error["className"]));
        Assert.Equal("client", SmithyEventStream.Text(error["fault"]));
        Assert.Equal("Consumer c is not ACTIVE.", SmithyEventStream.Text(error["message"]));
    }

    [Fact]
    public async Task TheKinesisClient_WithoutAnInitialResponse_StillYieldsTheFirstEvent()
    {
        var body = new ArrayBufferWriter<byte>();
        KinesisEventStream.WriteSubscribeToShardEvent(body, EventJson("1", "aGk=", "1763800000"u8));

        var answer = await SubscribeAsync(body.WrittenSpan, chunkSize: 1);

        Assert.Single(answer["events"]!.AsArray());
        Assert.Null(answer["error"]);
    }

    [Fact]
    public async Task TheKinesisClient_RaisesAnErrorMessage_AsAnErrorNamedByItsCode()
    {
        var body = new ArrayBufferWriter<byte>();
        KinesisEventStream.WriteInitialResponse(body);
        EventStreamWriter.WriteError(body, "InternalFailure", "The shard reader stopped.");

        var error = (await SubscribeAsync(body.WrittenSpan, chunkSize: 64))["error"]!;

        Assert.Equal("InternalFailure", SmithyEventStream.Text(error["name"]));
        Assert.Equal("The shard reader stopped.", SmithyEventStream.Text(error["message"]));
    }

    [Fact]
    public async Task TheKinesisClient_RaisesAnExceptionTypeOutsideTheStreamUnion_AsAPlainErrorWithTheRawPayload()
    {
        var body = new ArrayBufferWriter<byte>();
        KinesisEventStream.WriteInitialResponse(body);
        KinesisEventStream.WriteException(body, "LimitExceededException", "Too many subscriptions.");

        var error = (await SubscribeAsync(body.WrittenSpan, chunkSize: 64))["error"]!;

        Assert.Equal("LimitExceededException", SmithyEventStream.Text(error["name"]));
        Assert.Equal("Error", SmithyEventStream.Text(error["className"]));
        Assert.Equal("""{"message":"Too many subscriptions."}""", SmithyEventStream.Text(error["message"]));
    }

    private static Task<JsonNode> SubscribeAsync(ReadOnlySpan<byte> body, int chunkSize) =>
        SmithyEventStream.RunAsync("subscribe", SmithyEventStream.Request(
            ("data", Convert.ToBase64String(body)),
            ("chunkSize", chunkSize)));

    private static byte[] EventJson(string sequenceNumber, string data, ReadOnlySpan<byte> arrivalSeconds) =>
        EventStreamTestData.Utf8(
            $$$"""{"Records":[{"SequenceNumber":"{{{sequenceNumber}}}","ApproximateArrivalTimestamp":{{{System.Text.Encoding.UTF8.GetString(arrivalSeconds)}}},"Data":"{{{data}}}","PartitionKey":"pk","EncryptionType":"NONE"}],"ContinuationSequenceNumber":"{{{sequenceNumber}}}","MillisBehindLatest":0,"ChildShards":[{"ShardId":"shardId-000000000001","ParentShards":["shardId-000000000000"],"HashKeyRange":{"StartingHashKey":"0","EndingHashKey":"340282366920938463463374607431768211455"}}]}""");

    private static EventStreamMessage[] SampleMessages()
    {
        var large = new byte[100_000];
        new Random(9).NextBytes(large);
        return
        [
            new EventStreamMessage(EventStreamTestData.EveryHeaderType(), EventStreamTestData.Utf8("{\"a\":1}")),
            new EventStreamMessage([], ReadOnlyMemory<byte>.Empty),
            new EventStreamMessage([EventStreamHeader.FromString(":message-type", "event"), EventStreamHeader.FromString(":event-type", "SubscribeToShardEvent")], large),
        ];
    }

    // The script's form: headers as [{ name, type, value }] with smithy's type names, binaries in base64,
    // longs as decimal strings, timestamps as epoch milliseconds.
    private static JsonObject ToJson(EventStreamMessage message) => new()
    {
        ["headers"] = new JsonArray([.. message.Headers.Select(h => (JsonNode)ToJson(h))]),
        ["body"] = Convert.ToBase64String(message.Payload.Span),
    };

    private static JsonObject ToJson(EventStreamHeader header)
    {
        var value = header.Value;
        (string type, JsonNode? json) = value.Type switch
        {
            EventStreamHeaderType.BoolTrue or EventStreamHeaderType.BoolFalse => ("boolean", (JsonNode?)value.AsBoolean()),
            EventStreamHeaderType.Byte => ("byte", value.AsByte()),
            EventStreamHeaderType.Short => ("short", value.AsInt16()),
            EventStreamHeaderType.Integer => ("integer", value.AsInt32()),
            EventStreamHeaderType.Long => ("long", value.AsInt64().ToString(CultureInfo.InvariantCulture)),
            EventStreamHeaderType.ByteArray => ("binary", Convert.ToBase64String(value.AsBytes().Span)),
            EventStreamHeaderType.String => ("string", value.AsString()),
            EventStreamHeaderType.Timestamp => ("timestamp", value.AsUnixTimeMilliseconds()),
            EventStreamHeaderType.Uuid => ("uuid", value.AsUuid().ToString("D")),
            _ => throw new ArgumentOutOfRangeException(nameof(header)),
        };
        return new JsonObject { ["name"] = header.Name, ["type"] = type, ["value"] = json };
    }
}
