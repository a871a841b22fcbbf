using System.Buffers;
using System.Text.Json;
using Platform.Streams.Client.EventStream;

namespace Platform.Streams.Client.Tests.EventStream;

public sealed class EventStreamWriterTests
{
    [Fact]
    public void AnEvent_CarriesMessageTypeEventTypeAndContentType()
    {
        var bytes = EventStreamTestData.Encode(output => KinesisEventStream.WriteSubscribeToShardEvent(output, "{\"Records\":[]}"u8));

        var message = EventStreamTestData.ReadSingle(bytes);

        Assert.Equal(
            [
                EventStreamHeader.FromString(":message-type", "event"),
                EventStreamHeader.FromString(":event-type", "SubscribeToShardEvent"),
                EventStreamHeader.FromString(":content-type", "application/x-amz-json-1.1"),
            ],
            message.Headers);
        Assert.Equal("{\"Records\":[]}"u8.ToArray(), message.Payload.ToArray());
    }

    [Fact]
    public void TheInitialResponse_IsAnEventWithAnEmptyJsonObject()
    {
        var message = EventStreamTestData.ReadSingle(EventStreamTestData.Encode(KinesisEventStream.WriteInitialResponse));

        Assert.Equal("event", message.MessageType);
        Assert.Equal("initial-response", message.EventType);
        Assert.Equal("application/x-amz-json-1.1", message.ContentType);
        Assert.Equal("{}"u8.ToArray(), message.Payload.ToArray());
    }

    [Fact]
    public void AnException_CarriesItsTypeAndAJsonMessage_EscapedCorrectly()
    {
        const string text = "Stream \"orders\" under account 123456789012 not found.\n<ü>";
        var bytes = EventStreamTestData.Encode(output => KinesisEventStream.WriteException(output, "ResourceNotFoundException", text));

        var message = EventStreamTestData.ReadSingle(bytes);

        Assert.Equal("exception", message.MessageType);
        Assert.Equal("ResourceNotFoundException", message.ExceptionType);
        Assert.Equal("application/x-amz-json-1.1", message.ContentType);
        Assert.Null(message.EventType);
        using var json = JsonDocument.Parse(message.Payload);
        Assert.Equal(text, json.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public void AnError_CarriesItsCodeAndMessageAsHeaders_WithNoPayload()
    {
        var bytes = EventStreamTestData.Encode(output => EventStreamWriter.WriteError(output, "InternalFailure", "The shard reader stopped."));

        var message = EventStreamTestData.ReadSingle(bytes);

        Assert.Equal("error", message.MessageType);
        Assert.Equal("InternalFailure", message.ErrorCode);
        Assert.Equal("The shard reader stopped.", message.ErrorMessage);
        Assert.True(message.Payload.IsEmpty);
    }

    [Fact]
    public void AnErrorMessageTooLongForAHeader_IsCutAtACharacterBoundary()
    {
        var text = string.Concat(Enumerable.Repeat("ü😀", 20_000));

        var message = EventStreamTestData.ReadSingle(EventStreamTestData.Encode(output => EventStreamWriter.WriteError(output, "E", text)));

        var kept = message.ErrorMessage!;
        Assert.StartsWith(kept, text, StringComparison.Ordinal);
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(kept), short.MaxValue - 4, short.MaxValue);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100)]
    public void AWriterHandingOutSmallBuffers_GetsTheSameBytes(int bufferLength)
    {
        var headers = EventStreamTestData.EveryHeaderType();
        var payload = new byte[10_000];
        new Random(5).NextBytes(payload);
        var expected = EventStreamTestData.Encode(headers, payload);

        var small = new SmallBufferWriter(bufferLength);
        var written = EventStreamWriter.Write(small, headers, payload);

        Assert.Equal(expected.Length, written);
        Assert.Equal(expected, small.ToArray());
    }

    [Fact]
    public void WritingTwoMessages_AppendsThemBackToBack()
    {
        var output = new ArrayBufferWriter<byte>();
        var first = KinesisEventStream.WriteInitialResponse(output);
        var second = KinesisEventStream.WriteSubscribeToShardEvent(output, "{}"u8);

        Assert.Equal(first + second, output.WrittenCount);
    }

    [Fact]
    public void InvalidHeaders_AreRefused_AndNothingIsWritten()
    {
        AssertRefused([EventStreamHeader.FromString(string.Empty, "v")], "takes 0 UTF-8 bytes");
        AssertRefused([EventStreamHeader.FromString(new string('n', 256), "v")], "takes 256 UTF-8 bytes");
        AssertRefused([EventStreamHeader.FromString(new string('é', 128), "v")], "takes 256 UTF-8 bytes");
        AssertRefused([EventStreamHeader.FromString("s", new string('v', short.MaxValue + 1))], "32768-byte String value");
        AssertRefused([new("b", EventStreamHeaderValue.FromBytes(new byte[short.MaxValue + 1]))], "32768-byte ByteArray value");
        AssertRefused([EventStreamHeader.FromString("a", "1"), EventStreamHeader.FromString("a", "2")], "'a' appears more than once");
        AssertRefused([new("unset", default)], "has no value");
    }

    [Fact]
    public void HeadersOverTheLimit_AreRefused()
    {
        var headers = Enumerable.Range(0, 5)
            .Select(i => EventStreamHeader.FromString($"h{i}", new string('v', 30_000)))
            .ToArray();

        AssertRefused(headers, "exceed the 131072-byte limit");
        AssertRefused(headers[..1], "exceed the 1000-byte limit", new EventStreamLimits { MaxHeadersLength = 1000 });
    }

    [Fact]
    public void APayloadOverTheMessageLimit_IsRefused()
    {
        var output = new ArrayBufferWriter<byte>();
        var limits = new EventStreamLimits { MaxMessageLength = 100 };

        var error = Assert.Throws<ArgumentException>(() => EventStreamWriter.Write(output, [], new byte[85], limits));

        Assert.Contains("101 bytes", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, output.WrittenCount);
        Assert.Equal(100, EventStreamWriter.Write(output, [], new byte[84], limits));
    }

    [Fact]
    public void Limits_RefuseValuesTheFormatCannotHonour()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EventStreamLimits { MaxMessageLength = 15 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new EventStreamLimits { MaxHeadersLength = (128 * 1024) + 1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new EventStreamLimits { MaxHeadersLength = -1 });
    }

    [Fact]
    public void AHeaderValue_OfTheWrongType_SaysWhatItIs()
    {
        var value = EventStreamHeaderValue.FromInt32(5);

        var error = Assert.Throws<InvalidOperationException>(() => value.AsString());

        Assert.Equal("The header value is Integer, not a string.", error.Message);
    }

    private static void AssertRefused(EventStreamHeader[] headers, string expected, EventStreamLimits? limits = null)
    {
        var output = new ArrayBufferWriter<byte>();

        var error = Assert.Throws<ArgumentException>(() => EventStreamWriter.Write(output, headers, "{}"u8, limits));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, output.WrittenCount);
    }

    /// <summary>Hands out spans of at most the requested size or <c>length</c>, whichever is larger, as a pipe with small segments might.</summary>
    private sealed class SmallBufferWriter(int length) : IBufferWriter<byte>
    {
        private readonly List<byte> _written = [];
        private byte[] _current = [];

        public void Advance(int count) => _written.AddRange(_current.AsSpan(0, count));

        public Memory<byte> GetMemory(int sizeHint = 0) => _current = new byte[Math.Max(sizeHint, length)];

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public byte[] ToArray() => [.. _written];
    }
}
