using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Platform.Video.Ingest.Rtmp;

/// <summary>AMF0 markers (AMF0 specification, section 2.1).</summary>
internal static class Amf0Marker
{
    public const byte Number = 0x00;
    public const byte Boolean = 0x01;
    public const byte String = 0x02;
    public const byte Object = 0x03;
    public const byte MovieClip = 0x04;
    public const byte Null = 0x05;
    public const byte Undefined = 0x06;
    public const byte Reference = 0x07;
    public const byte EcmaArray = 0x08;
    public const byte ObjectEnd = 0x09;
    public const byte StrictArray = 0x0A;
    public const byte Date = 0x0B;
    public const byte LongString = 0x0C;
    public const byte Unsupported = 0x0D;
    public const byte XmlDocument = 0x0F;
    public const byte TypedObject = 0x10;
    public const byte AvmPlus = 0x11;
}

/// <summary>
/// Decodes AMF0 values from a message payload. Everything comes from the network, so every length and count is
/// checked against the bytes left and nesting depth is bounded: malformed input throws
/// <see cref="RtmpProtocolException"/>, never allocates beyond the payload's size or recurses without limit.
/// </summary>
internal ref struct Amf0Reader(ReadOnlySpan<byte> data)
{
    /// <summary>Deep enough for any real command or metadata object, shallow enough that recursion stays cheap.</summary>
    public const int MaxDepth = 16;

    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly bool End => _position >= _data.Length;

    public readonly int Position => _position;

    public object? ReadValue() => ReadValue(0);

    private object? ReadValue(int depth)
    {
        if (depth > MaxDepth)
        {
            throw new RtmpProtocolException($"AMF0 values nested deeper than {MaxDepth} levels.");
        }

        var marker = ReadByte();
        switch (marker)
        {
            case Amf0Marker.Number:
                return BinaryPrimitives.ReadDoubleBigEndian(Take(8));
            case Amf0Marker.Boolean:
                return ReadByte() != 0;
            case Amf0Marker.String:
                return ReadUtf8(BinaryPrimitives.ReadUInt16BigEndian(Take(2)));
            case Amf0Marker.LongString:
                return ReadUtf8(BinaryPrimitives.ReadUInt32BigEndian(Take(4)));
            case Amf0Marker.Null:
                return null;
            case Amf0Marker.Undefined:
                return AmfUndefined.Instance;
            case Amf0Marker.Object:
                return ReadProperties(new AmfObject(), depth);
            case Amf0Marker.EcmaArray:
                // The count is only a hint (encoders get it wrong); the object-end marker is what ends the array.
                Take(4);
                return ReadProperties(new AmfObject(isEcmaArray: true), depth);
            case Amf0Marker.StrictArray:
            {
                var count = BinaryPrimitives.ReadUInt32BigEndian(Take(4));
                if (count > (uint)(_data.Length - _position))
                {
                    // Every element takes at least one byte, so a count beyond the bytes left is a lie.
                    throw new RtmpProtocolException($"AMF0 strict array claims {count} elements with {_data.Length - _position} bytes left.");
                }

                var list = new List<object?>((int)count);
                for (var i = 0; i < count; i++)
                {
                    list.Add(ReadValue(depth + 1));
                }

                return list;
            }

            case Amf0Marker.Date:
            {
                var ms = BinaryPrimitives.ReadDoubleBigEndian(Take(8));
                Take(2); // time zone, reserved and always 0
                if (!double.IsFinite(ms) || Math.Abs(ms) > 8.64e15)
                {
                    throw new RtmpProtocolException("AMF0 date out of range.");
                }

                return DateTimeOffset.UnixEpoch.AddMilliseconds(ms);
            }

            default:
                throw new RtmpProtocolException($"AMF0 marker 0x{marker:x2} is not supported.");
        }
    }

    private AmfObject ReadProperties(AmfObject target, int depth)
    {
        while (true)
        {
            var nameLength = BinaryPrimitives.ReadUInt16BigEndian(Take(2));
            if (nameLength == 0)
            {
                if (ReadByte() != Amf0Marker.ObjectEnd)
                {
                    throw new RtmpProtocolException("AMF0 object property with an empty name.");
                }

                return target;
            }

            var name = ReadUtf8(nameLength);
            target.Add(name, ReadValue(depth + 1));
        }
    }

    private string ReadUtf8(uint length)
    {
        var bytes = Take(length);
        return Encoding.UTF8.GetString(bytes);
    }

    private byte ReadByte() => Take(1)[0];

    private ReadOnlySpan<byte> Take(uint length)
    {
        if (length > (uint)(_data.Length - _position))
        {
            throw new RtmpProtocolException($"AMF0 value truncated: needs {length} bytes at offset {_position}, {_data.Length - _position} left.");
        }

        var span = _data.Slice(_position, (int)length);
        _position += (int)length;
        return span;
    }
}

/// <summary>Encodes AMF0 values (the server's command replies).</summary>
internal static class Amf0Writer
{
    public static void Write(IBufferWriter<byte> output, object? value)
    {
        switch (value)
        {
            case null:
                WriteByte(output, Amf0Marker.Null);
                break;
            case AmfUndefined:
                WriteByte(output, Amf0Marker.Undefined);
                break;
            case double d:
                WriteNumber(output, d);
                break;
            case int i:
                WriteNumber(output, i);
                break;
            case long l:
                WriteNumber(output, l);
                break;
            case bool b:
                var span = output.GetSpan(2);
                span[0] = Amf0Marker.Boolean;
                span[1] = b ? (byte)1 : (byte)0;
                output.Advance(2);
                break;
            case string s:
                WriteString(output, s);
                break;
            case AmfObject o:
                if (o.IsEcmaArray)
                {
                    var header = output.GetSpan(5);
                    header[0] = Amf0Marker.EcmaArray;
                    BinaryPrimitives.WriteUInt32BigEndian(header[1..], (uint)o.Count);
                    output.Advance(5);
                }
                else
                {
                    WriteByte(output, Amf0Marker.Object);
                }

                foreach (var (name, item) in o.Properties)
                {
                    WriteUtf8(output, name, longLength: false);
                    Write(output, item);
                }

                var end = output.GetSpan(3);
                end[0] = 0;
                end[1] = 0;
                end[2] = Amf0Marker.ObjectEnd;
                output.Advance(3);
                break;
            case IReadOnlyList<object?> list:
                var arrayHeader = output.GetSpan(5);
                arrayHeader[0] = Amf0Marker.StrictArray;
                BinaryPrimitives.WriteUInt32BigEndian(arrayHeader[1..], (uint)list.Count);
                output.Advance(5);
                foreach (var item in list)
                {
                    Write(output, item);
                }

                break;
            case DateTimeOffset date:
                var dateSpan = output.GetSpan(11);
                dateSpan[0] = Amf0Marker.Date;
                BinaryPrimitives.WriteDoubleBigEndian(dateSpan[1..], (date - DateTimeOffset.UnixEpoch).TotalMilliseconds);
                dateSpan[9] = 0;
                dateSpan[10] = 0;
                output.Advance(11);
                break;
            default:
                throw new ArgumentException($"{value.GetType().Name} has no AMF0 encoding.", nameof(value));
        }
    }

    private static void WriteNumber(IBufferWriter<byte> output, double value)
    {
        var span = output.GetSpan(9);
        span[0] = Amf0Marker.Number;
        BinaryPrimitives.WriteDoubleBigEndian(span[1..], value);
        output.Advance(9);
    }

    private static void WriteString(IBufferWriter<byte> output, string value)
    {
        var longString = Encoding.UTF8.GetByteCount(value) > ushort.MaxValue;
        WriteByte(output, longString ? Amf0Marker.LongString : Amf0Marker.String);
        WriteUtf8(output, value, longString);
    }

    private static void WriteUtf8(IBufferWriter<byte> output, string value, bool longLength)
    {
        var byteCount = Encoding.UTF8.GetByteCount(value);
        if (!longLength && byteCount > ushort.MaxValue)
        {
            throw new ArgumentException("An AMF0 property name is limited to 65,535 bytes.", nameof(value));
        }

        var prefix = longLength ? 4 : 2;
        var span = output.GetSpan(prefix + byteCount);
        if (longLength)
        {
            BinaryPrimitives.WriteUInt32BigEndian(span, (uint)byteCount);
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)byteCount);
        }

        Encoding.UTF8.GetBytes(value, span[prefix..]);
        output.Advance(prefix + byteCount);
    }

    private static void WriteByte(IBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }
}
