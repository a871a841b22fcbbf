using System.Globalization;

namespace Platform.Streams.Client.EventStream;

/// <summary>
/// One typed header value. A struct so the writer's fixed header sets live on the stack; the text and
/// byte-array forms reference their data rather than copying it.
/// </summary>
public readonly struct EventStreamHeaderValue : IEquatable<EventStreamHeaderValue>
{
    private const long MinTimestampMilliseconds = -62_135_596_800_000;
    private const long MaxTimestampMilliseconds = 253_402_300_799_999;

    private readonly long _number;
    private readonly Guid _uuid;
    private readonly string? _text;
    private readonly ReadOnlyMemory<byte> _bytes;

    // The wire type plus one, so that default(EventStreamHeaderValue) is not silently "true".
    private readonly byte _tag;

    private EventStreamHeaderValue(EventStreamHeaderType type, long number = 0, Guid uuid = default, string? text = null, ReadOnlyMemory<byte> bytes = default)
    {
        _tag = (byte)(type + 1);
        _number = number;
        _uuid = uuid;
        _text = text;
        _bytes = bytes;
    }

    /// <summary>The wire type; for <c>default(EventStreamHeaderValue)</c>, which the writer refuses, an undefined value (255).</summary>
    public EventStreamHeaderType Type => (EventStreamHeaderType)(byte)(_tag - 1);

    public static EventStreamHeaderValue FromBoolean(bool value) => new(value ? EventStreamHeaderType.BoolTrue : EventStreamHeaderType.BoolFalse);

    public static EventStreamHeaderValue FromByte(sbyte value) => new(EventStreamHeaderType.Byte, value);

    public static EventStreamHeaderValue FromInt16(short value) => new(EventStreamHeaderType.Short, value);

    public static EventStreamHeaderValue FromInt32(int value) => new(EventStreamHeaderType.Integer, value);

    public static EventStreamHeaderValue FromInt64(long value) => new(EventStreamHeaderType.Long, value);

    /// <summary>A byte-array value; the memory is referenced, not copied, until the header is written.</summary>
    public static EventStreamHeaderValue FromBytes(ReadOnlyMemory<byte> value) => new(EventStreamHeaderType.ByteArray, bytes: value);

    public static EventStreamHeaderValue FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(EventStreamHeaderType.String, text: value);
    }

    /// <summary>A timestamp; the wire keeps whole milliseconds, so any finer part is dropped.</summary>
    public static EventStreamHeaderValue FromTimestamp(DateTimeOffset value) => new(EventStreamHeaderType.Timestamp, value.ToUnixTimeMilliseconds());

    public static EventStreamHeaderValue FromUnixTimeMilliseconds(long milliseconds) => new(EventStreamHeaderType.Timestamp, milliseconds);

    public static EventStreamHeaderValue FromUuid(Guid value) => new(EventStreamHeaderType.Uuid, uuid: value);

    /// <exception cref="InvalidOperationException">The value is not a boolean.</exception>
    public bool AsBoolean() => Type switch
    {
        EventStreamHeaderType.BoolTrue => true,
        EventStreamHeaderType.BoolFalse => false,
        _ => throw WrongType("a boolean"),
    };

    public sbyte AsByte() => Type == EventStreamHeaderType.Byte ? (sbyte)_number : throw WrongType("a byte");

    public short AsInt16() => Type == EventStreamHeaderType.Short ? (short)_number : throw WrongType("a short");

    public int AsInt32() => Type == EventStreamHeaderType.Integer ? (int)_number : throw WrongType("an int");

    public long AsInt64() => Type == EventStreamHeaderType.Long ? _number : throw WrongType("a long");

    public ReadOnlyMemory<byte> AsBytes() => Type == EventStreamHeaderType.ByteArray ? _bytes : throw WrongType("a byte array");

    public string AsString() => Type == EventStreamHeaderType.String ? _text! : throw WrongType("a string");

    public long AsUnixTimeMilliseconds() => Type == EventStreamHeaderType.Timestamp ? _number : throw WrongType("a timestamp");

    /// <exception cref="InvalidOperationException">The value is not a timestamp.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The milliseconds are outside what <see cref="DateTimeOffset"/> can hold.</exception>
    public DateTimeOffset AsTimestamp() => DateTimeOffset.FromUnixTimeMilliseconds(AsUnixTimeMilliseconds());

    public Guid AsUuid() => Type == EventStreamHeaderType.Uuid ? _uuid : throw WrongType("a UUID");

    public bool Equals(EventStreamHeaderValue other) =>
        Type == other.Type && Type switch
        {
            EventStreamHeaderType.BoolTrue or EventStreamHeaderType.BoolFalse => true,
            EventStreamHeaderType.ByteArray => _bytes.Span.SequenceEqual(other._bytes.Span),
            EventStreamHeaderType.String => string.Equals(_text, other._text, StringComparison.Ordinal),
            EventStreamHeaderType.Uuid => _uuid == other._uuid,
            _ => _number == other._number,
        };

    public override bool Equals(object? obj) => obj is EventStreamHeaderValue other && Equals(other);

    public override int GetHashCode() => Type switch
    {
        EventStreamHeaderType.ByteArray => HashCode.Combine(Type, _bytes.Length),
        EventStreamHeaderType.String => HashCode.Combine(Type, StringComparer.Ordinal.GetHashCode(_text!)),
        EventStreamHeaderType.Uuid => HashCode.Combine(Type, _uuid),
        _ => HashCode.Combine(Type, _number),
    };

    public override string ToString() => Type switch
    {
        _ when _tag == 0 => "(no value)",
        EventStreamHeaderType.BoolTrue => "true",
        EventStreamHeaderType.BoolFalse => "false",
        EventStreamHeaderType.ByteArray => Convert.ToHexString(_bytes.Span),
        EventStreamHeaderType.String => _text!,
        EventStreamHeaderType.Timestamp when _number is >= MinTimestampMilliseconds and <= MaxTimestampMilliseconds =>
            AsTimestamp().ToString("O", CultureInfo.InvariantCulture),
        EventStreamHeaderType.Timestamp => $"{_number.ToString(CultureInfo.InvariantCulture)} ms",
        EventStreamHeaderType.Uuid => _uuid.ToString(),
        _ => _number.ToString(CultureInfo.InvariantCulture),
    };

    public static bool operator ==(EventStreamHeaderValue left, EventStreamHeaderValue right) => left.Equals(right);

    public static bool operator !=(EventStreamHeaderValue left, EventStreamHeaderValue right) => !left.Equals(right);

    internal long RawNumber => _number;

    internal string? RawText => _text;

    internal ReadOnlyMemory<byte> RawBytes => _bytes;

    internal Guid RawUuid => _uuid;

    private InvalidOperationException WrongType(string wanted) => new($"The header value is {Type}, not {wanted}.");
}
