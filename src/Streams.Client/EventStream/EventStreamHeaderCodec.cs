using System.Buffers.Binary;
using System.Text;

namespace Platform.Streams.Client.EventStream;

/// <summary>
/// The headers section: each header is a 1-byte name length, the UTF-8 name, a 1-byte type and the value.
/// Writing validates against the format's limits; reading turns every violation into an
/// <see cref="EventStreamFormatException"/> that names the header and offset.
/// </summary>
internal static class EventStreamHeaderCodec
{
    /// <summary>The format caps string and byte-array values at 2^15 - 1 bytes, though the length field has 16 bits.</summary>
    public const int MaxValueLength = short.MaxValue;

    public const int MaxNameLength = byte.MaxValue;

    // Beyond this many headers the duplicate check switches from pairwise comparison to a set.
    private const int PairwiseDuplicateCheckLimit = 16;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // Names and values every Kinesis message repeats; decoding them to shared strings saves allocations per message.
    private static readonly (byte[] Utf8, string Text)[] KnownStrings = BuildKnownStrings(
        EventStreamHeaderNames.MessageType,
        EventStreamHeaderNames.EventType,
        EventStreamHeaderNames.ExceptionType,
        EventStreamHeaderNames.ContentType,
        EventStreamHeaderNames.ErrorCode,
        EventStreamHeaderNames.ErrorMessage,
        EventStreamMessageTypes.Event,
        EventStreamMessageTypes.Exception,
        EventStreamMessageTypes.Error,
        KinesisEventStream.InitialResponseEventType,
        KinesisEventStream.SubscribeToShardEventType,
        KinesisEventStream.PayloadContentType,
        "application/json");

    /// <summary>Validates <paramref name="headers"/> and returns the length of their encoding.</summary>
    /// <exception cref="ArgumentException">A name is empty, longer than 255 bytes or repeated, a value is too long, or the whole exceeds <paramref name="maxHeadersLength"/>.</exception>
    public static int Measure(ReadOnlySpan<EventStreamHeader> headers, int maxHeadersLength)
    {
        long length = 0;
        foreach (var header in headers)
        {
            if (header.Name is null)
            {
                throw new ArgumentException("An event stream header has no name.", nameof(headers));
            }

            var nameLength = Encoding.UTF8.GetByteCount(header.Name);
            if (nameLength is 0 or > MaxNameLength)
            {
                throw new ArgumentException($"Event stream header name '{header.Name}' takes {nameLength} UTF-8 bytes; names take 1 to {MaxNameLength}.", nameof(headers));
            }

            length += 2 + nameLength + MeasureValue(header);
            if (length > maxHeadersLength)
            {
                throw new ArgumentException($"Event stream headers exceed the {maxHeadersLength}-byte limit (reached at header '{header.Name}').", nameof(headers));
            }
        }

        if (FindDuplicate(headers) is { } duplicate)
        {
            throw new ArgumentException($"Event stream header '{duplicate}' appears more than once; names must be unique in a message.", nameof(headers));
        }

        return (int)length;
    }

    /// <summary>Encodes headers already checked by <see cref="Measure"/> into <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Write(ReadOnlySpan<EventStreamHeader> headers, Span<byte> destination)
    {
        var position = 0;
        foreach (var header in headers)
        {
            var nameLength = Encoding.UTF8.GetBytes(header.Name, destination[(position + 1)..]);
            destination[position] = (byte)nameLength;
            position += 1 + nameLength;

            var value = header.Value;
            destination[position++] = (byte)value.Type;
            var rest = destination[position..];
            switch (value.Type)
            {
                case EventStreamHeaderType.BoolTrue:
                case EventStreamHeaderType.BoolFalse:
                    break;
                case EventStreamHeaderType.Byte:
                    rest[0] = (byte)(sbyte)value.RawNumber;
                    position += 1;
                    break;
                case EventStreamHeaderType.Short:
                    BinaryPrimitives.WriteInt16BigEndian(rest, (short)value.RawNumber);
                    position += 2;
                    break;
                case EventStreamHeaderType.Integer:
                    BinaryPrimitives.WriteInt32BigEndian(rest, (int)value.RawNumber);
                    position += 4;
                    break;
                case EventStreamHeaderType.Long:
                case EventStreamHeaderType.Timestamp:
                    BinaryPrimitives.WriteInt64BigEndian(rest, value.RawNumber);
                    position += 8;
                    break;
                case EventStreamHeaderType.ByteArray:
                    var bytes = value.RawBytes.Span;
                    BinaryPrimitives.WriteUInt16BigEndian(rest, (ushort)bytes.Length);
                    bytes.CopyTo(rest[2..]);
                    position += 2 + bytes.Length;
                    break;
                case EventStreamHeaderType.String:
                    var textLength = Encoding.UTF8.GetBytes(value.RawText!, rest[2..]);
                    BinaryPrimitives.WriteUInt16BigEndian(rest, (ushort)textLength);
                    position += 2 + textLength;
                    break;
                case EventStreamHeaderType.Uuid:
                    value.RawUuid.TryWriteBytes(rest, bigEndian: true, out _);
                    position += 16;
                    break;
                default:
                    throw new InvalidOperationException($"Unknown header type {value.Type}.");
            }
        }

        return position;
    }

    /// <summary>Decodes a headers section whose message already passed both CRC checks.</summary>
    /// <exception cref="EventStreamFormatException">The section is malformed; <see cref="EventStreamFormatError.InvalidHeader"/>.</exception>
    public static EventStreamHeader[] Read(ReadOnlySpan<byte> source)
    {
        // First pass checks the framing and counts, so the second can fill an exact-size array.
        var count = 0;
        for (var position = 0; position < source.Length; count++)
        {
            position = SkipHeader(source, position);
        }

        if (count == 0)
        {
            return [];
        }

        var headers = new EventStreamHeader[count];
        for (int i = 0, position = 0; i < count; i++)
        {
            position = ReadHeader(source, position, out headers[i]);
        }

        if (FindDuplicate(headers) is { } duplicate)
        {
            throw Invalid($"header '{duplicate}' appears more than once");
        }

        return headers;
    }

    private static int MeasureValue(in EventStreamHeader header)
    {
        var value = header.Value;
        switch (value.Type)
        {
            case EventStreamHeaderType.BoolTrue:
            case EventStreamHeaderType.BoolFalse:
                return 0;
            case EventStreamHeaderType.Byte:
                return 1;
            case EventStreamHeaderType.Short:
                return 2;
            case EventStreamHeaderType.Integer:
                return 4;
            case EventStreamHeaderType.Long:
            case EventStreamHeaderType.Timestamp:
                return 8;
            case EventStreamHeaderType.Uuid:
                return 16;
            case EventStreamHeaderType.ByteArray:
            case EventStreamHeaderType.String:
                var length = value.Type == EventStreamHeaderType.String ? Encoding.UTF8.GetByteCount(value.RawText!) : value.RawBytes.Length;
                if (length > MaxValueLength)
                {
                    throw new ArgumentException($"Event stream header '{header.Name}' has a {length}-byte {value.Type} value; the format allows at most {MaxValueLength}.");
                }

                return 2 + length;
            default:
                throw new ArgumentException($"Event stream header '{header.Name}' has no value (type {value.Type}).");
        }
    }

    private static int SkipHeader(ReadOnlySpan<byte> source, int start)
    {
        var nameLength = source[start];
        if (nameLength == 0)
        {
            throw Invalid($"the header at offset {start} has an empty name");
        }

        var position = start + 1 + nameLength;
        if (position >= source.Length)
        {
            throw Invalid($"the header at offset {start} runs past the end of the {source.Length}-byte headers section");
        }

        var type = (EventStreamHeaderType)source[position++];
        int valueLength;
        switch (type)
        {
            case EventStreamHeaderType.BoolTrue:
            case EventStreamHeaderType.BoolFalse:
                valueLength = 0;
                break;
            case EventStreamHeaderType.Byte:
                valueLength = 1;
                break;
            case EventStreamHeaderType.Short:
                valueLength = 2;
                break;
            case EventStreamHeaderType.Integer:
                valueLength = 4;
                break;
            case EventStreamHeaderType.Long:
            case EventStreamHeaderType.Timestamp:
                valueLength = 8;
                break;
            case EventStreamHeaderType.Uuid:
                valueLength = 16;
                break;
            case EventStreamHeaderType.ByteArray:
            case EventStreamHeaderType.String:
                if (position + 2 > source.Length)
                {
                    throw Invalid($"the length of header '{NameForError(source, start)}' runs past the end of the {source.Length}-byte headers section");
                }

                valueLength = 2 + BinaryPrimitives.ReadUInt16BigEndian(source[position..]);
                break;
            default:
                throw Invalid($"header '{NameForError(source, start)}' has unknown value type {(byte)type}");
        }

        if (position + valueLength > source.Length)
        {
            throw Invalid($"the {type} value of header '{NameForError(source, start)}' runs past the end of the {source.Length}-byte headers section");
        }

        return position + valueLength;
    }

    private static int ReadHeader(ReadOnlySpan<byte> source, int start, out EventStreamHeader header)
    {
        var nameLength = source[start];
        var name = DecodeText(source.Slice(start + 1, nameLength), start, "name");
        var position = start + 1 + nameLength;
        var type = (EventStreamHeaderType)source[position++];
        var rest = source[position..];
        EventStreamHeaderValue value;
        switch (type)
        {
            case EventStreamHeaderType.BoolTrue:
                value = EventStreamHeaderValue.FromBoolean(true);
                break;
            case EventStreamHeaderType.BoolFalse:
                value = EventStreamHeaderValue.FromBoolean(false);
                break;
            case EventStreamHeaderType.Byte:
                value = EventStreamHeaderValue.FromByte((sbyte)rest[0]);
                position += 1;
                break;
            case EventStreamHeaderType.Short:
                value = EventStreamHeaderValue.FromInt16(BinaryPrimitives.ReadInt16BigEndian(rest));
                position += 2;
                break;
            case EventStreamHeaderType.Integer:
                value = EventStreamHeaderValue.FromInt32(BinaryPrimitives.ReadInt32BigEndian(rest));
                position += 4;
                break;
            case EventStreamHeaderType.Long:
                value = EventStreamHeaderValue.FromInt64(BinaryPrimitives.ReadInt64BigEndian(rest));
                position += 8;
                break;
            case EventStreamHeaderType.Timestamp:
                value = EventStreamHeaderValue.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(rest));
                position += 8;
                break;
            case EventStreamHeaderType.Uuid:
                value = EventStreamHeaderValue.FromUuid(new Guid(rest[..16], bigEndian: true));
                position += 16;
                break;
            case EventStreamHeaderType.ByteArray:
                var byteLength = BinaryPrimitives.ReadUInt16BigEndian(rest);
                value = EventStreamHeaderValue.FromBytes(rest.Slice(2, byteLength).ToArray());
                position += 2 + byteLength;
                break;
            default:
                var textLength = BinaryPrimitives.ReadUInt16BigEndian(rest);
                value = EventStreamHeaderValue.FromString(DecodeText(rest.Slice(2, textLength), start, $"'{name}' value"));
                position += 2 + textLength;
                break;
        }

        header = new EventStreamHeader(name, value);
        return position;
    }

    private static string DecodeText(ReadOnlySpan<byte> utf8, int headerOffset, string what)
    {
        foreach (var (known, text) in KnownStrings)
        {
            if (utf8.SequenceEqual(known))
            {
                return text;
            }
        }

        try
        {
            return StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException e)
        {
            throw new EventStreamFormatException(
                EventStreamFormatError.InvalidHeader,
                $"Event stream header at offset {headerOffset}: the {what} is not valid UTF-8.",
                e);
        }
    }

    // Only for error messages: never throws on bad UTF-8.
    private static string NameForError(ReadOnlySpan<byte> source, int start) => Encoding.UTF8.GetString(source.Slice(start + 1, source[start]));

    private static string? FindDuplicate(ReadOnlySpan<EventStreamHeader> headers)
    {
        if (headers.Length <= PairwiseDuplicateCheckLimit)
        {
            for (var i = 1; i < headers.Length; i++)
            {
                for (var j = 0; j < i; j++)
                {
                    if (string.Equals(headers[i].Name, headers[j].Name, StringComparison.Ordinal))
                    {
                        return headers[i].Name;
                    }
                }
            }

            return null;
        }

        var seen = new HashSet<string>(headers.Length, StringComparer.Ordinal);
        foreach (var header in headers)
        {
            if (!seen.Add(header.Name))
            {
                return header.Name;
            }
        }

        return null;
    }

    private static EventStreamFormatException Invalid(string detail) =>
        new(EventStreamFormatError.InvalidHeader, $"Event stream message headers are malformed: {detail}.");

    private static (byte[] Utf8, string Text)[] BuildKnownStrings(params string[] texts) =>
        Array.ConvertAll(texts, text => (Encoding.UTF8.GetBytes(text), text));
}
