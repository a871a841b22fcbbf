using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Platform.Video.Ingest.WebRtc.Stun;

/// <summary>
/// A parsed STUN message (RFC 8489). It keeps its own copy of the bytes, so integrity and fingerprint can be checked
/// over exactly what arrived. Parsing never throws: a packet that is not well-formed STUN yields false.
/// </summary>
public sealed class StunMessage
{
    public const uint MagicCookie = 0x2112A442;
    public const int HeaderLength = 20;
    private const uint FingerprintXor = 0x5354554E;

    /// <summary>Attribute counts beyond this mark a hostile or broken packet (ICE needs fewer than ten).</summary>
    private const int MaxAttributes = 32;

    private readonly byte[] _bytes;
    private readonly List<StunAttribute> _attributes;

    private StunMessage(byte[] bytes, List<StunAttribute> attributes)
    {
        _bytes = bytes;
        _attributes = attributes;
    }

    public ushort Type => BinaryPrimitives.ReadUInt16BigEndian(_bytes);

    public ReadOnlySpan<byte> TransactionId => _bytes.AsSpan(8, 12);

    public IReadOnlyList<StunAttribute> Attributes => _attributes;

    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>True when the first bytes look like STUN (two zero bits and the magic cookie): what RFC 7983 demultiplexing needs.</summary>
    public static bool LooksLikeStun(ReadOnlySpan<byte> packet) =>
        packet.Length >= HeaderLength && (packet[0] & 0xC0) == 0 &&
        BinaryPrimitives.ReadUInt32BigEndian(packet[4..]) == MagicCookie;

    public static bool TryParse(ReadOnlySpan<byte> packet, out StunMessage? message)
    {
        message = null;
        if (!LooksLikeStun(packet))
        {
            return false;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        if ((length & 3) != 0 || HeaderLength + length != packet.Length)
        {
            return false;
        }

        var attributes = new List<StunAttribute>(8);
        var offset = HeaderLength;
        while (offset < packet.Length)
        {
            if (packet.Length - offset < 4 || attributes.Count == MaxAttributes)
            {
                return false;
            }

            var type = BinaryPrimitives.ReadUInt16BigEndian(packet[offset..]);
            int valueLength = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]);
            var padded = (valueLength + 3) & ~3;
            if (packet.Length - offset - 4 < padded)
            {
                return false;
            }

            attributes.Add(new StunAttribute(type, offset, valueLength));
            offset += 4 + padded;
        }

        message = new StunMessage(packet.ToArray(), attributes);
        return true;
    }

    public bool TryGetAttribute(ushort type, out StunAttribute attribute)
    {
        foreach (var a in _attributes)
        {
            if (a.Type == type)
            {
                attribute = a;
                return true;
            }
        }

        attribute = default;
        return false;
    }

    public ReadOnlySpan<byte> GetValue(StunAttribute attribute) => _bytes.AsSpan(attribute.ValueOffset, attribute.Length);

    /// <summary>The USERNAME attribute as text, or null.</summary>
    public string? Username =>
        TryGetAttribute(StunAttributeType.Username, out var a) ? Encoding.UTF8.GetString(GetValue(a)) : null;

    /// <summary>The ICE PRIORITY attribute, or null when absent or malformed.</summary>
    public uint? Priority =>
        TryGetAttribute(StunAttributeType.Priority, out var a) && a.Length == 4 ? BinaryPrimitives.ReadUInt32BigEndian(GetValue(a)) : null;

    public bool HasUseCandidate => TryGetAttribute(StunAttributeType.UseCandidate, out _);

    /// <summary>The ICE-CONTROLLING tie-breaker, or null.</summary>
    public ulong? IceControlling =>
        TryGetAttribute(StunAttributeType.IceControlling, out var a) && a.Length == 8 ? BinaryPrimitives.ReadUInt64BigEndian(GetValue(a)) : null;

    /// <summary>The ICE-CONTROLLED tie-breaker, or null.</summary>
    public ulong? IceControlled =>
        TryGetAttribute(StunAttributeType.IceControlled, out var a) && a.Length == 8 ? BinaryPrimitives.ReadUInt64BigEndian(GetValue(a)) : null;

    /// <summary>Decodes XOR-MAPPED-ADDRESS (IPv4 or IPv6); null when absent or malformed.</summary>
    public IPEndPoint? XorMappedAddress
    {
        get
        {
            if (!TryGetAttribute(StunAttributeType.XorMappedAddress, out var a) || a.Length < 8)
            {
                return null;
            }

            var value = GetValue(a);
            var port = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(value[2..]) ^ (MagicCookie >> 16));
            Span<byte> address = stackalloc byte[16];
            var family = value[1];
            var addressLength = family == 1 ? 4 : family == 2 ? 16 : 0;
            if (addressLength == 0 || a.Length != 4 + addressLength)
            {
                return null;
            }

            // The address is xored with the magic cookie followed by the transaction id (RFC 8489 section 14.2).
            Span<byte> mask = stackalloc byte[16];
            BinaryPrimitives.WriteUInt32BigEndian(mask, MagicCookie);
            TransactionId.CopyTo(mask[4..]);
            for (var i = 0; i < addressLength; i++)
            {
                address[i] = (byte)(value[4 + i] ^ mask[i]);
            }

            return new IPEndPoint(new IPAddress(address[..addressLength]), port);
        }
    }

    /// <summary>
    /// Checks MESSAGE-INTEGRITY (HMAC-SHA1 keyed with the ICE password for short-term credentials) over the message up
    /// to that attribute, with the header length rewritten as if the attribute were the last one (RFC 8489 section 14.5).
    /// </summary>
    public bool VerifyMessageIntegrity(ReadOnlySpan<byte> key)
    {
        if (!TryGetAttribute(StunAttributeType.MessageIntegrity, out var a) || a.Length != 20)
        {
            return false;
        }

        Span<byte> mac = stackalloc byte[20];
        ComputeIntegrity(_bytes.AsSpan(0, a.Offset), key, mac);
        return CryptographicOperations.FixedTimeEquals(mac, GetValue(a));
    }

    /// <summary>Checks FINGERPRINT: CRC-32 of everything before it, xored with 0x5354554e; it must be the last attribute.</summary>
    public bool VerifyFingerprint()
    {
        if (_attributes.Count == 0 || _attributes[^1].Type != StunAttributeType.Fingerprint || _attributes[^1].Length != 4)
        {
            return false;
        }

        var a = _attributes[^1];
        var expected = Crc32.Compute(_bytes.AsSpan(0, a.Offset)) ^ FingerprintXor;
        return BinaryPrimitives.ReadUInt32BigEndian(GetValue(a)) == expected;
    }

    /// <summary>HMAC-SHA1 over <paramref name="prefix"/> (header and attributes before MESSAGE-INTEGRITY), with the
    /// header's length field set to end just after the 24-byte MESSAGE-INTEGRITY attribute.</summary>
    internal static void ComputeIntegrity(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> key, Span<byte> mac)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, key);
        Span<byte> header = stackalloc byte[HeaderLength];
        prefix[..HeaderLength].CopyTo(header);
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)(prefix.Length - HeaderLength + 24));
        hmac.AppendData(header);
        hmac.AppendData(prefix[HeaderLength..]);
        hmac.GetHashAndReset(mac);
    }

    internal static uint ComputeFingerprint(ReadOnlySpan<byte> prefix) => Crc32.Compute(prefix) ^ FingerprintXor;

    /// <summary>True for STUN address families (IPv4, IPv6), for callers that build XOR-MAPPED-ADDRESS.</summary>
    internal static bool IsSupported(AddressFamily family) => family is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6;
}
