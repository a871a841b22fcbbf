using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace Platform.Streams.Api;

/// <summary>
/// Kinesis's CBOR wire form (<c>application/x-amz-cbor-1.1</c>, RFC 8949), which the AWS SDK for Java, and so the
/// KCL, speaks by default: the same operations, members and errors as AWS JSON 1.1, with blobs as byte strings and
/// timestamps as tag 1 over an integer of epoch milliseconds (the SDK's convention; RFC 8949 says seconds). The API
/// works in JSON, so a CBOR request is translated to the JSON it stands for and the JSON answer back to CBOR.
/// <para>
/// Translation needs to know only two kinds of member, by name: <c>Data</c> (the one blob Kinesis answers with) and
/// the timestamps. Requests need no names at all, because CBOR says which values are byte strings and tags.
/// </para>
/// </summary>
public static class KinesisCbor
{
    public const string ContentType = "application/x-amz-cbor-1.1";

    /// <summary>Deeper than any Kinesis shape (four levels); a deeper request is refused, not recursed into.</summary>
    private const int MaxDepth = 32;

    /// <summary>A tag-1 value at least this large is milliseconds (seconds this large are past the year 5000).</summary>
    private const double MillisecondsThreshold = 1e11;

    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = false };

    /// <summary>Whether a request's <c>Content-Type</c> is Kinesis's CBOR.</summary>
    public static bool IsCbor(string? contentType) =>
        contentType is not null && contentType.AsSpan().TrimStart().StartsWith(ContentType, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The JSON request a CBOR request stands for, written to <paramref name="output"/>: a map becomes an object, a byte
    /// string base64 text, a tag-1 timestamp epoch seconds. Malformed or unsupported CBOR throws
    /// <see cref="FormatException"/> naming the problem and its offset.
    /// </summary>
    public static void ToJson(ReadOnlySpan<byte> cbor, IBufferWriter<byte> output)
    {
        using var json = new Utf8JsonWriter(output, JsonOptions);
        var reader = new Reader(cbor);
        if (reader.PeekMajor() != 5)
        {
            throw reader.Error("a request must be a CBOR map");
        }

        reader.WriteItem(json, 0);
        if (!reader.AtEnd)
        {
            throw reader.Error("bytes follow the request's map");
        }
    }

    /// <summary>
    /// The CBOR form of a JSON answer: objects become maps and arrays arrays (indefinite-length, as the Java SDK
    /// itself writes them), <c>Data</c> a byte string, the timestamps tag 1 over integer milliseconds.
    /// </summary>
    public static void FromJson(ReadOnlySpan<byte> json, IBufferWriter<byte> output)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        var member = Member.Other;
        byte[]? scratch = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        WriteByte(output, 0xBF);
                        member = Member.Other;
                        break;
                    case JsonTokenType.StartArray:
                        WriteByte(output, 0x9F);
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        WriteByte(output, 0xFF);
                        member = Member.Other;
                        break;
                    case JsonTokenType.PropertyName:
                        member = reader.ValueTextEquals("Data"u8) ? Member.Data
                            : reader.ValueTextEquals("ApproximateArrivalTimestamp"u8) || reader.ValueTextEquals("StreamCreationTimestamp"u8) || reader.ValueTextEquals("ConsumerCreationTimestamp"u8) ? Member.Timestamp
                            : Member.Other;
                        WriteText(output, Unescaped(ref reader, ref scratch));
                        break;
                    case JsonTokenType.String when member == Member.Data:
                        WriteBlob(output, Unescaped(ref reader, ref scratch));
                        break;
                    case JsonTokenType.String:
                        WriteText(output, Unescaped(ref reader, ref scratch));
                        break;
                    case JsonTokenType.Number when member == Member.Timestamp:
                        WriteByte(output, 0xC1);
                        WriteInteger(output, (long)Math.Round(reader.GetDecimal() * 1000m, MidpointRounding.AwayFromZero));
                        break;
                    case JsonTokenType.Number when reader.TryGetInt64(out var integer):
                        WriteInteger(output, integer);
                        break;
                    case JsonTokenType.Number:
                        var span = output.GetSpan(9);
                        span[0] = 0xFB;
                        BinaryPrimitives.WriteDoubleBigEndian(span[1..], reader.GetDouble());
                        output.Advance(9);
                        break;
                    case JsonTokenType.True:
                        WriteByte(output, 0xF5);
                        break;
                    case JsonTokenType.False:
                        WriteByte(output, 0xF4);
                        break;
                    case JsonTokenType.Null:
                        WriteByte(output, 0xF6);
                        break;
                }
            }
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }
    }

    /// <summary>The CBOR error body: <c>{"__type", "message"}</c> as a map, as Kinesis answers a CBOR request.</summary>
    public static void WriteError(IBufferWriter<byte> output, string type, string message)
    {
        WriteByte(output, 0xBF);
        WriteText(output, "__type"u8);
        WriteText(output, Encoding.UTF8.GetBytes(type));
        WriteText(output, "message"u8);
        WriteText(output, Encoding.UTF8.GetBytes(message));
        WriteByte(output, 0xFF);
    }

    internal static void WriteMapStart(IBufferWriter<byte> output) => WriteByte(output, 0xBF);

    internal static void WriteArrayStart(IBufferWriter<byte> output) => WriteByte(output, 0x9F);

    /// <summary>Ends an indefinite-length map or array.</summary>
    internal static void WriteEnd(IBufferWriter<byte> output) => WriteByte(output, 0xFF);

    /// <summary>Tag 1 over an integer of epoch milliseconds, as the Java SDK reads a timestamp.</summary>
    internal static void WriteTimestamp(IBufferWriter<byte> output, long unixMilliseconds)
    {
        WriteByte(output, 0xC1);
        WriteInteger(output, unixMilliseconds);
    }

    internal static void WriteBytes(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        WriteHead(output, 2, (ulong)bytes.Length);
        output.Write(bytes);
    }

    private enum Member
    {
        Other,
        Data,
        Timestamp,
    }

    private static ReadOnlySpan<byte> Unescaped(ref Utf8JsonReader reader, ref byte[]? scratch)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan;
        }

        if (scratch is null || scratch.Length < reader.ValueSpan.Length)
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }

            scratch = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
        }

        var length = reader.CopyString(scratch);
        return scratch.AsSpan(0, length);
    }

    private static void WriteByte(IBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    private static void WriteHead(IBufferWriter<byte> output, int major, ulong value)
    {
        var span = output.GetSpan(9);
        var type = (byte)(major << 5);
        if (value < 24)
        {
            span[0] = (byte)(type | (byte)value);
            output.Advance(1);
        }
        else if (value <= byte.MaxValue)
        {
            span[0] = (byte)(type | 24);
            span[1] = (byte)value;
            output.Advance(2);
        }
        else if (value <= ushort.MaxValue)
        {
            span[0] = (byte)(type | 25);
            BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)value);
            output.Advance(3);
        }
        else if (value <= uint.MaxValue)
        {
            span[0] = (byte)(type | 26);
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)value);
            output.Advance(5);
        }
        else
        {
            span[0] = (byte)(type | 27);
            BinaryPrimitives.WriteUInt64BigEndian(span[1..], value);
            output.Advance(9);
        }
    }

    internal static void WriteInteger(IBufferWriter<byte> output, long value)
    {
        if (value >= 0)
        {
            WriteHead(output, 0, (ulong)value);
        }
        else
        {
            WriteHead(output, 1, (ulong)(-1 - value));
        }
    }

    internal static void WriteText(IBufferWriter<byte> output, ReadOnlySpan<byte> utf8)
    {
        WriteHead(output, 3, (ulong)utf8.Length);
        output.Write(utf8);
    }

    private static void WriteBlob(IBufferWriter<byte> output, ReadOnlySpan<byte> base64)
    {
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, System.Buffers.Text.Base64.GetMaxDecodedFromUtf8Length(base64.Length)));
        try
        {
            if (System.Buffers.Text.Base64.DecodeFromUtf8(base64, rented, out _, out var written) != OperationStatus.Done)
            {
                throw new FormatException("Data is not base64.");
            }

            WriteHead(output, 2, (ulong)written);
            output.Write(rented.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>A reader of one CBOR item tree over a span, every length checked against what is left.</summary>
    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position;

        public readonly bool AtEnd => _position == _data.Length;

        public readonly int PeekMajor() => AtEnd ? -1 : _data[_position] >> 5;

        public readonly FormatException Error(string problem) =>
            new($"The request body is not valid CBOR for Kinesis: {problem} (at byte {_position.ToString(CultureInfo.InvariantCulture)}).");

        public void WriteItem(Utf8JsonWriter json, int depth)
        {
            if (depth > MaxDepth)
            {
                throw Error($"items nest deeper than {MaxDepth} levels");
            }

            var start = _position;
            var (major, info) = ReadInitial();
            switch (major)
            {
                case 0:
                    json.WriteNumberValue(ReadArgument(info));
                    break;
                case 1:
                    var magnitude = ReadArgument(info);
                    if (magnitude > long.MaxValue)
                    {
                        _position = start;
                        throw Error("a negative integer is below -2^63");
                    }

                    json.WriteNumberValue(-1 - (long)magnitude);
                    break;
                case 2:
                    json.WriteBase64StringValue(ReadString(2, info, out var rentedBytes));
                    Return(rentedBytes);
                    break;
                case 3:
                    WriteTextValue(json, ReadString(3, info, out var rentedText), start);
                    Return(rentedText);
                    break;
                case 4:
                    json.WriteStartArray();
                    ReadContainer(json, info, depth, isMap: false);
                    json.WriteEndArray();
                    break;
                case 5:
                    json.WriteStartObject();
                    ReadContainer(json, info, depth, isMap: true);
                    json.WriteEndObject();
                    break;
                case 6:
                    var tag = ReadArgument(info);
                    if (tag == 1)
                    {
                        WriteEpoch(json);
                    }
                    else
                    {
                        WriteItem(json, depth + 1); // other tags say nothing Kinesis needs: the value stands for itself
                    }

                    break;
                default:
                    WriteSimple(json, info, start);
                    break;
            }
        }

        private void ReadContainer(Utf8JsonWriter json, int info, int depth, bool isMap)
        {
            var indefinite = info == 31;
            var count = indefinite ? ulong.MaxValue : ReadArgument(info);
            for (ulong i = 0; indefinite || i < count; i++)
            {
                if (AtEnd)
                {
                    throw Error(isMap ? "the input ends inside a map" : "the input ends inside an array");
                }

                if (indefinite && _data[_position] == 0xFF)
                {
                    _position++;
                    return;
                }

                if (isMap)
                {
                    var keyStart = _position;
                    var (keyMajor, keyInfo) = ReadInitial();
                    if (keyMajor != 3)
                    {
                        _position = keyStart;
                        throw Error("a map key is not a text string");
                    }

                    var key = ReadString(3, keyInfo, out var rentedKey);
                    try
                    {
                        if (!Utf8.IsValid(key))
                        {
                            _position = keyStart;
                            throw Error("a map key is not UTF-8");
                        }

                        json.WritePropertyName(key);
                    }
                    finally
                    {
                        Return(rentedKey);
                    }
                }

                WriteItem(json, depth + 1);
            }
        }

        /// <summary>Tag 1: a timestamp. The Java SDK puts milliseconds under it; RFC 8949 seconds. Written as JSON seconds.</summary>
        private void WriteEpoch(Utf8JsonWriter json)
        {
            var start = _position;
            var (major, info) = ReadInitial();
            switch (major)
            {
                case 0 or 1:
                    var magnitude = ReadArgument(info);
                    if (magnitude > long.MaxValue)
                    {
                        _position = start;
                        throw Error("a timestamp is out of range");
                    }

                    var value = major == 0 ? (long)magnitude : -1 - (long)magnitude;
                    json.WriteNumberValue(Math.Abs((double)value) >= MillisecondsThreshold ? value / 1000m : value);
                    break;
                case 7 when info is 25 or 26 or 27:
                    var number = ReadFloat(info);
                    if (!double.IsFinite(number))
                    {
                        _position = start;
                        throw Error("a timestamp is not a finite number");
                    }

                    json.WriteNumberValue(Math.Abs(number) >= MillisecondsThreshold ? number / 1000 : number);
                    break;
                default:
                    _position = start;
                    throw Error("a timestamp (tag 1) is not a number");
            }
        }

        private void WriteSimple(Utf8JsonWriter json, int info, int start)
        {
            switch (info)
            {
                case 20:
                    json.WriteBooleanValue(false);
                    break;
                case 21:
                    json.WriteBooleanValue(true);
                    break;
                case 22 or 23:
                    json.WriteNullValue();
                    break;
                case 25 or 26 or 27:
                    var number = ReadFloat(info);
                    if (!double.IsFinite(number))
                    {
                        _position = start;
                        throw Error("a number is not finite");
                    }

                    json.WriteNumberValue(number);
                    break;
                case 31:
                    _position = start;
                    throw Error("a break byte is outside an indefinite-length item");
                default:
                    _position = start;
                    throw Error($"simple value {info} has no meaning here");
            }
        }

        private double ReadFloat(int info)
        {
            var width = info switch { 25 => 2, 26 => 4, _ => 8 };
            var bytes = Take(width);
            return width switch
            {
                2 => (double)BinaryPrimitives.ReadHalfBigEndian(bytes),
                4 => BinaryPrimitives.ReadSingleBigEndian(bytes),
                _ => BinaryPrimitives.ReadDoubleBigEndian(bytes),
            };
        }

        private static void WriteTextValue(Utf8JsonWriter json, ReadOnlySpan<byte> utf8, int start)
        {
            if (!Utf8.IsValid(utf8))
            {
                throw new FormatException($"The request body is not valid CBOR for Kinesis: a text string is not UTF-8 (at byte {start.ToString(CultureInfo.InvariantCulture)}).");
            }

            json.WriteStringValue(utf8);
        }

        /// <summary>
        /// A definite string's bytes (a slice of the input), or an indefinite one's chunks joined in a rented buffer
        /// (<paramref name="rented"/>, to be returned).
        /// </summary>
        private ReadOnlySpan<byte> ReadString(int major, int info, out byte[]? rented)
        {
            rented = null;
            if (info != 31)
            {
                var length = ReadArgument(info);
                if (length > (ulong)(_data.Length - _position))
                {
                    throw Error($"a string of {length} bytes is longer than the rest of the input");
                }

                return Take((int)length);
            }

            var joined = 0;
            while (true)
            {
                if (AtEnd)
                {
                    Return(rented);
                    throw Error("the input ends inside a chunked string");
                }

                if (_data[_position] == 0xFF)
                {
                    _position++;
                    return rented is null ? [] : rented.AsSpan(0, joined);
                }

                var (chunkMajor, chunkInfo) = ReadInitial();
                if (chunkMajor != major || chunkInfo == 31)
                {
                    Return(rented);
                    throw Error("a chunk of a chunked string is not a definite string of its type");
                }

                var chunk = ReadString(major, chunkInfo, out _);
                if (rented is null || rented.Length < joined + chunk.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Max(256, (joined + chunk.Length) * 2));
                    rented?.AsSpan(0, joined).CopyTo(larger);
                    Return(rented);
                    rented = larger;
                }

                chunk.CopyTo(rented.AsSpan(joined));
                joined += chunk.Length;
            }
        }

        private static void Return(byte[]? rented)
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        private (int Major, int Info) ReadInitial()
        {
            if (AtEnd)
            {
                throw Error("the input ends where an item should start");
            }

            var initial = _data[_position++];
            return (initial >> 5, initial & 0x1F);
        }

        private ulong ReadArgument(int info) => info switch
        {
            < 24 => (ulong)info,
            24 => Take(1)[0],
            25 => BinaryPrimitives.ReadUInt16BigEndian(Take(2)),
            26 => BinaryPrimitives.ReadUInt32BigEndian(Take(4)),
            27 => BinaryPrimitives.ReadUInt64BigEndian(Take(8)),
            31 => throw Error("an indefinite length is not allowed for this item"),
            _ => throw Error($"additional information {info} is reserved"),
        };

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count > _data.Length - _position)
            {
                throw Error("the input ends inside an item");
            }

            var slice = _data.Slice(_position, count);
            _position += count;
            return slice;
        }
    }
}
