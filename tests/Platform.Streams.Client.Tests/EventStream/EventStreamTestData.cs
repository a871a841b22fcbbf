using System.Buffers;
using System.Text;
using Platform.Streams.Client.EventStream;

namespace Platform.Streams.Client.Tests.EventStream;

/// <summary>Builders shared by the event stream tests.</summary>
internal static class EventStreamTestData
{
    public static readonly Guid SampleUuid = new("01020304-0506-0708-090a-0b0c0d0e0f10");

    public static byte[] Encode(ReadOnlySpan<EventStreamHeader> headers, ReadOnlySpan<byte> payload, EventStreamLimits? limits = null)
    {
        var output = new ArrayBufferWriter<byte>();
        var length = EventStreamWriter.Write(output, headers, payload, limits);
        Assert.Equal(length, output.WrittenCount);
        return output.WrittenSpan.ToArray();
    }

    public static byte[] Encode(Func<IBufferWriter<byte>, int> write)
    {
        var output = new ArrayBufferWriter<byte>();
        var length = write(output);
        Assert.Equal(length, output.WrittenCount);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Decodes bytes that must hold exactly one message.</summary>
    public static EventStreamMessage ReadSingle(byte[] bytes, EventStreamLimits? limits = null)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.True(new EventStreamReader(limits).TryRead(ref buffer, out var message));
        Assert.True(buffer.IsEmpty);
        return message;
    }

    /// <summary>Every header type with values at the edges of its range.</summary>
    public static EventStreamHeader[] EveryHeaderType() =>
    [
        new("bool true", EventStreamHeaderValue.FromBoolean(true)),
        new("bool false", EventStreamHeaderValue.FromBoolean(false)),
        new("byte min", EventStreamHeaderValue.FromByte(sbyte.MinValue)),
        new("byte max", EventStreamHeaderValue.FromByte(sbyte.MaxValue)),
        new("short min", EventStreamHeaderValue.FromInt16(short.MinValue)),
        new("short max", EventStreamHeaderValue.FromInt16(short.MaxValue)),
        new("int min", EventStreamHeaderValue.FromInt32(int.MinValue)),
        new("int max", EventStreamHeaderValue.FromInt32(int.MaxValue)),
        new("long min", EventStreamHeaderValue.FromInt64(long.MinValue)),
        new("long max", EventStreamHeaderValue.FromInt64(long.MaxValue)),
        new("bytes", EventStreamHeaderValue.FromBytes(new byte[] { 0, 1, 2, 0xFE, 0xFF })),
        new("bytes empty", EventStreamHeaderValue.FromBytes(ReadOnlyMemory<byte>.Empty)),
        new("string", EventStreamHeaderValue.FromString("application/x-amz-json-1.1")),
        new("string empty", EventStreamHeaderValue.FromString(string.Empty)),
        new("string unicode ü😀", EventStreamHeaderValue.FromString("shard ü 😀 終")),
        new("timestamp", EventStreamHeaderValue.FromTimestamp(DateTimeOffset.FromUnixTimeMilliseconds(1_763_800_000_123))),
        new("timestamp before epoch", EventStreamHeaderValue.FromUnixTimeMilliseconds(-8_675_309)),
        new("uuid", EventStreamHeaderValue.FromUuid(SampleUuid)),
        new("uuid random", EventStreamHeaderValue.FromUuid(Guid.NewGuid())),
    ];

    /// <summary>A sequence of <paramref name="bytes"/> split into segments of <paramref name="segmentLength"/> bytes.</summary>
    public static ReadOnlySequence<byte> Segmented(byte[] bytes, int segmentLength)
    {
        if (bytes.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        Segment? first = null;
        Segment? last = null;
        for (var offset = 0; offset < bytes.Length; offset += segmentLength)
        {
            var piece = bytes.AsMemory(offset, Math.Min(segmentLength, bytes.Length - offset));
            last = last is null ? first = new Segment(piece, 0) : last.Append(piece);
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
