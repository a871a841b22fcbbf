using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Platform.Streams.Client.EventStream;

/// <summary>
/// Encodes event stream messages:
/// <code>
///  0  u32  total length, big-endian, everything below included
///  4  u32  headers length
///  8  u32  CRC-32 of bytes [0, 8)
/// 12  ...  headers, then payload
/// -4  u32  CRC-32 of every byte before it
/// </code>
/// Messages go straight into an <see cref="IBufferWriter{T}"/> (a <see cref="System.IO.Pipelines.PipeWriter"/>
/// such as an ASP.NET Core response's BodyWriter), so writing allocates nothing: headers are passed as a
/// span, usually a collection expression on the stack, and encoded in place.
/// </summary>
public static class EventStreamWriter
{
    private const int PreludeLength = 12;
    private const int ChecksumLength = 4;

    /// <summary>The encoded length of a message, after validating its headers as <see cref="Write(IBufferWriter{byte}, ReadOnlySpan{EventStreamHeader}, ReadOnlySpan{byte}, EventStreamLimits?)"/> would.</summary>
    public static int GetMessageLength(ReadOnlySpan<EventStreamHeader> headers, int payloadLength, EventStreamLimits? limits = null)
    {
        limits ??= EventStreamLimits.Default;
        return CheckedMessageLength(EventStreamHeaderCodec.Measure(headers, limits.MaxHeadersLength), payloadLength, limits);
    }

    /// <summary>Writes one message and returns its length. Nothing is written when validation fails.</summary>
    /// <exception cref="ArgumentException">
    /// A header name is empty, over 255 UTF-8 bytes or repeated; a string or byte-array value is over 32,767 bytes;
    /// or the headers or whole message exceed <paramref name="limits"/> (default <see cref="EventStreamLimits.Default"/>).
    /// </exception>
    public static int Write(IBufferWriter<byte> output, ReadOnlySpan<EventStreamHeader> headers, ReadOnlySpan<byte> payload, EventStreamLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        limits ??= EventStreamLimits.Default;
        var headersLength = EventStreamHeaderCodec.Measure(headers, limits.MaxHeadersLength);
        var totalLength = CheckedMessageLength(headersLength, payload.Length, limits);

        var prefixLength = PreludeLength + headersLength;
        var span = output.GetSpan(prefixLength);
        WritePrefix(span, totalLength, headers, headersLength);

        if (span.Length >= totalLength)
        {
            payload.CopyTo(span[prefixLength..]);
            var whole = totalLength - ChecksumLength;
            BinaryPrimitives.WriteUInt32BigEndian(span[whole..], Crc32.Compute(span[..whole]));
            output.Advance(totalLength);
            return totalLength;
        }

        // A payload larger than the writer's buffer is copied in whatever pieces it offers, hashing the source
        // as it goes, so no contiguous span of the whole message is ever requested.
        var crc = Crc32.Compute(span[..prefixLength]);
        output.Advance(prefixLength);
        while (!payload.IsEmpty)
        {
            var destination = output.GetSpan();
            var chunk = payload[..Math.Min(destination.Length, payload.Length)];
            chunk.CopyTo(destination);
            crc = Crc32.Compute(chunk, crc);
            output.Advance(chunk.Length);
            payload = payload[chunk.Length..];
        }

        BinaryPrimitives.WriteUInt32BigEndian(output.GetSpan(ChecksumLength), crc);
        output.Advance(ChecksumLength);
        return totalLength;
    }

    /// <summary>Re-encodes a decoded (or hand-built) message.</summary>
    public static int Write(IBufferWriter<byte> output, EventStreamMessage message, EventStreamLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Write(output, message.HeaderSpan, message.Payload.Span, limits);
    }

    /// <summary>Writes one message to a stream through a pooled buffer, for callers without a pipe.</summary>
    /// <exception cref="ArgumentException">As for <see cref="Write(IBufferWriter{byte}, ReadOnlySpan{EventStreamHeader}, ReadOnlySpan{byte}, EventStreamLimits?)"/>.</exception>
    public static async ValueTask WriteAsync(
        Stream destination,
        ReadOnlyMemory<EventStreamHeader> headers,
        ReadOnlyMemory<byte> payload,
        EventStreamLimits? limits = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var length = GetMessageLength(headers.Span, payload.Length, limits);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = Write(new FixedBufferWriter(buffer), headers.Span, payload.Span, limits);
            await destination.WriteAsync(buffer.AsMemory(0, written), cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>An event: <c>:message-type</c> <c>event</c>, <c>:event-type</c> and <c>:content-type</c> as given.</summary>
    public static int WriteEvent(IBufferWriter<byte> output, string eventType, string contentType, ReadOnlySpan<byte> payload) =>
        Write(
            output,
            [
                EventStreamHeader.FromString(EventStreamHeaderNames.MessageType, EventStreamMessageTypes.Event),
                EventStreamHeader.FromString(EventStreamHeaderNames.EventType, eventType),
                EventStreamHeader.FromString(EventStreamHeaderNames.ContentType, contentType),
            ],
            payload);

    /// <summary>A modeled exception: <c>:message-type</c> <c>exception</c>, <c>:exception-type</c> and <c>:content-type</c> as given.</summary>
    public static int WriteException(IBufferWriter<byte> output, string exceptionType, string contentType, ReadOnlySpan<byte> payload) =>
        Write(
            output,
            [
                EventStreamHeader.FromString(EventStreamHeaderNames.MessageType, EventStreamMessageTypes.Exception),
                EventStreamHeader.FromString(EventStreamHeaderNames.ExceptionType, exceptionType),
                EventStreamHeader.FromString(EventStreamHeaderNames.ContentType, contentType),
            ],
            payload);

    /// <summary>
    /// An unmodeled error: <c>:message-type</c> <c>error</c> with <c>:error-code</c> and <c>:error-message</c> and
    /// no payload. A message longer than a header value may be (32,767 UTF-8 bytes) is cut at a character
    /// boundary rather than refused, since this is usually written while already failing.
    /// </summary>
    public static int WriteError(IBufferWriter<byte> output, string errorCode, string errorMessage) =>
        Write(
            output,
            [
                EventStreamHeader.FromString(EventStreamHeaderNames.MessageType, EventStreamMessageTypes.Error),
                EventStreamHeader.FromString(EventStreamHeaderNames.ErrorCode, errorCode),
                EventStreamHeader.FromString(EventStreamHeaderNames.ErrorMessage, FitHeaderValue(errorMessage)),
            ],
            []);

    private static void WritePrefix(Span<byte> span, int totalLength, ReadOnlySpan<EventStreamHeader> headers, int headersLength)
    {
        BinaryPrimitives.WriteInt32BigEndian(span, totalLength);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], headersLength);
        BinaryPrimitives.WriteUInt32BigEndian(span[8..], Crc32.Compute(span[..8]));
        EventStreamHeaderCodec.Write(headers, span.Slice(PreludeLength, headersLength));
    }

    private static int CheckedMessageLength(int headersLength, int payloadLength, EventStreamLimits limits)
    {
        var total = (long)EventStreamLimits.MinimumMessageLength + headersLength + payloadLength;
        if (total > limits.MaxMessageLength)
        {
            throw new ArgumentException(
                $"An event stream message of {total} bytes ({headersLength} of headers, {payloadLength} of payload) exceeds the {limits.MaxMessageLength}-byte limit.");
        }

        return (int)total;
    }

    private static string FitHeaderValue(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= EventStreamHeaderCodec.MaxValueLength / 3 || Encoding.UTF8.GetByteCount(text) <= EventStreamHeaderCodec.MaxValueLength)
        {
            return text;
        }

        // Transcoding into a buffer of the maximum size stops at the last whole character that fits.
        var scratch = ArrayPool<byte>.Shared.Rent(EventStreamHeaderCodec.MaxValueLength);
        try
        {
            Utf8.FromUtf16(text, scratch.AsSpan(0, EventStreamHeaderCodec.MaxValueLength), out var charsRead, out _);
            return text[..charsRead];
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>An <see cref="IBufferWriter{T}"/> over one array already known to be large enough.</summary>
    private sealed class FixedBufferWriter(byte[] buffer) : IBufferWriter<byte>
    {
        private int _written;

        public void Advance(int count) => _written += count;

        public Memory<byte> GetMemory(int sizeHint = 0) => buffer.AsMemory(_written);

        public Span<byte> GetSpan(int sizeHint = 0) => buffer.AsSpan(_written);
    }
}
