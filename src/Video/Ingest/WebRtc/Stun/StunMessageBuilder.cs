using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Platform.Video.Ingest.WebRtc.Stun;

/// <summary>
/// Builds one STUN message into a fixed buffer: attributes in order, then optionally MESSAGE-INTEGRITY and
/// FINGERPRINT, which must come last in that order.
/// </summary>
public sealed class StunMessageBuilder
{
    private const int Capacity = 548;
    private readonly byte[] _buffer = new byte[Capacity];
    private readonly byte _padding;
    private int _length;

    /// <param name="type">The message type (for example <see cref="StunMessageType.BindingSuccessResponse"/>).</param>
    /// <param name="transactionId">The 12-byte transaction id (a response copies the request's).</param>
    /// <param name="paddingByte">The byte that pads attribute values to 4-byte boundaries (RFC 8489 lets senders choose).</param>
    public StunMessageBuilder(ushort type, ReadOnlySpan<byte> transactionId, byte paddingByte = 0)
    {
        if (transactionId.Length != 12)
        {
            throw new ArgumentException("A STUN transaction id is 12 bytes.", nameof(transactionId));
        }

        _padding = paddingByte;
        BinaryPrimitives.WriteUInt16BigEndian(_buffer, type);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(4), StunMessage.MagicCookie);
        transactionId.CopyTo(_buffer.AsSpan(8));
        _length = StunMessage.HeaderLength;
    }

    public StunMessageBuilder Add(ushort type, ReadOnlySpan<byte> value)
    {
        var padded = (value.Length + 3) & ~3;
        if (_length + 4 + padded > Capacity)
        {
            throw new InvalidOperationException("The STUN message would exceed its buffer.");
        }

        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(_length), type);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(_length + 2), (ushort)value.Length);
        value.CopyTo(_buffer.AsSpan(_length + 4));
        _buffer.AsSpan(_length + 4 + value.Length, padded - value.Length).Fill(_padding);
        _length += 4 + padded;
        SetLength();
        return this;
    }

    public StunMessageBuilder AddUInt32(ushort type, uint value)
    {
        Span<byte> v = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(v, value);
        return Add(type, v);
    }

    public StunMessageBuilder AddUInt64(ushort type, ulong value)
    {
        Span<byte> v = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(v, value);
        return Add(type, v);
    }

    public StunMessageBuilder AddXorMappedAddress(IPEndPoint endPoint)
    {
        var address = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
        if (!StunMessage.IsSupported(address.AddressFamily))
        {
            throw new ArgumentException("Only IPv4 and IPv6 addresses can be mapped.", nameof(endPoint));
        }

        var length = address.AddressFamily == AddressFamily.InterNetwork ? 4 : 16;
        Span<byte> value = stackalloc byte[4 + length];
        value[0] = 0;
        value[1] = (byte)(length == 4 ? 1 : 2);
        BinaryPrimitives.WriteUInt16BigEndian(value[2..], (ushort)(endPoint.Port ^ (int)(StunMessage.MagicCookie >> 16)));
        address.TryWriteBytes(value[4..], out _);
        Span<byte> mask = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(mask, StunMessage.MagicCookie);
        _buffer.AsSpan(8, 12).CopyTo(mask[4..]);
        for (var i = 0; i < length; i++)
        {
            value[4 + i] ^= mask[i];
        }

        return Add(StunAttributeType.XorMappedAddress, value);
    }

    public StunMessageBuilder AddMessageIntegrity(ReadOnlySpan<byte> key)
    {
        Span<byte> mac = stackalloc byte[20];
        StunMessage.ComputeIntegrity(_buffer.AsSpan(0, _length), key, mac);
        return Add(StunAttributeType.MessageIntegrity, mac);
    }

    public StunMessageBuilder AddFingerprint()
    {
        // The CRC covers the header with its length already counting the 8-byte FINGERPRINT attribute.
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(2), (ushort)(_length - StunMessage.HeaderLength + 8));
        var crc = StunMessage.ComputeFingerprint(_buffer.AsSpan(0, _length));
        return AddUInt32(StunAttributeType.Fingerprint, crc);
    }

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    private void SetLength() => BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(2), (ushort)(_length - StunMessage.HeaderLength));
}
