using System.Buffers;
using System.IO.Pipelines;
using Platform.Streams.Client.EventStream;

namespace Platform.Streams.Client.Tests.EventStream;

public sealed class EventStreamRoundTripTests
{
    [Fact]
    public void EveryHeaderType_AtTheEdgesOfItsRange_SurvivesARoundTrip()
    {
        var headers = EventStreamTestData.EveryHeaderType();
        var payload = EventStreamTestData.Utf8("{\"Records\":[]}");

        var message = EventStreamTestData.ReadSingle(EventStreamTestData.Encode(headers, payload));

        Assert.Equal(headers, message.Headers);
        Assert.Equal(payload, message.Payload.ToArray());
        Assert.True(message.TryGetHeader("long min", out var longMin));
        Assert.Equal(long.MinValue, longMin.AsInt64());
        Assert.True(message.TryGetHeader("timestamp", out var timestamp));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_763_800_000_123), timestamp.AsTimestamp());
        Assert.True(message.TryGetHeader("uuid", out var uuid));
        Assert.Equal(EventStreamTestData.SampleUuid, uuid.AsUuid());
        Assert.Equal("shard ü 😀 終", message.GetString("string unicode ü😀"));
    }

    [Fact]
    public void TheLongestHeaderNamesAndValues_TheFormatAllows_SurviveARoundTrip()
    {
        EventStreamHeader[] headers =
        [
            EventStreamHeader.FromString(new string('n', 255), new string('v', short.MaxValue)),
            new("b", EventStreamHeaderValue.FromBytes(new byte[short.MaxValue])),
        ];

        var message = EventStreamTestData.ReadSingle(EventStreamTestData.Encode(headers, []));

        Assert.Equal(headers, message.Headers);
    }

    [Fact]
    public void AUuid_IsWrittenInRfc9562ByteOrder()
    {
        var bytes = EventStreamTestData.Encode([new("u", EventStreamHeaderValue.FromUuid(EventStreamTestData.SampleUuid))], []);

        // Prelude (12) + name length, name, type, then the 16 bytes exactly as the UUID's text reads.
        Assert.Equal("0102030405060708090A0B0C0D0E0F10", Convert.ToHexString(bytes, 15, 16));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(13)]
    [InlineData(4096)]
    public void MessagesSplitAcrossSegments_DecodeTheSameAsContiguousOnes(int segmentLength)
    {
        var stream = ThreeMessages(out var expected);
        var buffer = EventStreamTestData.Segmented(stream, segmentLength);
        var reader = new EventStreamReader();

        var decoded = new List<EventStreamMessage>();
        while (reader.TryRead(ref buffer, out var message))
        {
            decoded.Add(message);
        }

        Assert.True(buffer.IsEmpty);
        AssertSameMessages(expected, decoded);
    }

    [Fact]
    public void ABufferGrowingOneByteAtATime_YieldsEachMessageExactlyWhenItsLastByteArrives()
    {
        var stream = ThreeMessages(out var expected, largePayloadLength: 3000);
        var ends = new List<int>();
        var offset = 0;
        foreach (var message in expected)
        {
            offset += EventStreamWriter.GetMessageLength([.. message.Headers], message.Payload.Length);
            ends.Add(offset);
        }

        var reader = new EventStreamReader();
        var consumed = 0;
        var decoded = new List<EventStreamMessage>();
        for (var available = 0; available <= stream.Length; available++)
        {
            // Each step sees one more byte, split into 1-byte segments, starting after what was consumed.
            var buffer = EventStreamTestData.Segmented(stream[consumed..available], 1);
            var before = buffer.Length;
            if (reader.TryRead(ref buffer, out var message))
            {
                Assert.Equal(ends[decoded.Count], available);
                consumed += (int)(before - buffer.Length);
                decoded.Add(message);
            }
            else
            {
                Assert.Equal(before, buffer.Length);
            }
        }

        AssertSameMessages(expected, decoded);
    }

    [Fact]
    public async Task APipeFedOneByteAtATime_ReadsEveryMessage()
    {
        var stream = ThreeMessages(out var expected);
        var pipe = new Pipe();

        var feeding = Task.Run(async () =>
        {
            for (var i = 0; i < stream.Length; i++)
            {
                await pipe.Writer.WriteAsync(stream.AsMemory(i, 1));
            }

            await pipe.Writer.CompleteAsync();
        });

        var decoded = new List<EventStreamMessage>();
        await foreach (var message in new EventStreamReader().ReadAllAsync(pipe.Reader))
        {
            decoded.Add(message);
        }

        await feeding;
        await pipe.Reader.CompleteAsync();
        AssertSameMessages(expected, decoded);
    }

    [Fact]
    public async Task AStream_OfManyMessages_ReadsBackInOrder()
    {
        using var stream = new MemoryStream();
        var expected = new List<EventStreamMessage>();
        for (var i = 0; i < 50; i++)
        {
            var payload = new byte[i * 97];
            Random.Shared.NextBytes(payload);
            EventStreamHeader[] headers = [new("i", EventStreamHeaderValue.FromInt32(i))];
            await EventStreamWriter.WriteAsync(stream, headers, payload);
            expected.Add(new EventStreamMessage(headers, payload));
        }

        stream.Position = 0;
        var decoded = new List<EventStreamMessage>();
        await foreach (var message in new EventStreamReader().ReadAllAsync(stream))
        {
            decoded.Add(message);
        }

        AssertSameMessages(expected, decoded);
        Assert.True(stream.CanRead, "the stream is left open");
    }

    [Fact]
    public void ADecodedMessage_ReEncodesToTheSameBytes()
    {
        var bytes = EventStreamTestData.Encode(EventStreamTestData.EveryHeaderType(), EventStreamTestData.Utf8("payload"));

        var again = EventStreamTestData.Encode(output => EventStreamWriter.Write(output, EventStreamTestData.ReadSingle(bytes)));

        Assert.Equal(bytes, again);
    }

    [Fact]
    public void ADecodedMessage_OwnsItsPayload_AfterTheSourceBufferIsReused()
    {
        var bytes = EventStreamTestData.Encode([], EventStreamTestData.Utf8("kept"));
        var message = EventStreamTestData.ReadSingle(bytes);

        Array.Clear(bytes);

        Assert.Equal("kept"u8.ToArray(), message.Payload.ToArray());
    }

    private static byte[] ThreeMessages(out List<EventStreamMessage> messages, int largePayloadLength = 70_000)
    {
        var large = new byte[largePayloadLength];
        new Random(3).NextBytes(large);
        messages =
        [
            new EventStreamMessage(EventStreamTestData.EveryHeaderType(), EventStreamTestData.Utf8("first")),
            new EventStreamMessage([], ReadOnlyMemory<byte>.Empty),
            new EventStreamMessage([EventStreamHeader.FromString(":event-type", "SubscribeToShardEvent")], large),
        ];

        var output = new ArrayBufferWriter<byte>();
        foreach (var message in messages)
        {
            EventStreamWriter.Write(output, message);
        }

        return output.WrittenSpan.ToArray();
    }

    private static void AssertSameMessages(List<EventStreamMessage> expected, List<EventStreamMessage> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Headers, actual[i].Headers);
            Assert.True(expected[i].Payload.Span.SequenceEqual(actual[i].Payload.Span), $"payload of message {i}");
        }
    }
}
