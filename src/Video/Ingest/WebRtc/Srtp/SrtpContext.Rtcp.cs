using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Platform.Video.Ingest.WebRtc.Srtp;

public sealed partial class SrtpContext
{
    private const int RtcpHeaderLength = 8;

    /// <summary>Authenticates and decrypts one SRTCP packet in place (RFC 3711 section 3.4, RFC 7714 section 9).</summary>
    /// <param name="packet">The packet as received; on success it holds the plain compound RTCP packet in its first bytes.</param>
    /// <param name="length">The plain RTCP length.</param>
    /// <returns>False when the packet is malformed, fails authentication, or is a replay.</returns>
    public bool TryUnprotectRtcp(Span<byte> packet, out int length)
    {
        length = 0;
        var tagLength = RtpOverhead;
        if (packet.Length < RtcpHeaderLength + 4 + tagLength)
        {
            return false;
        }

        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
        var gcm = _profile == SrtpProfile.AeadAes128Gcm;

        // AES-CM: header | payload | E+index | tag. AES-GCM: header | payload | tag | E+index.
        var indexOffset = gcm ? packet.Length - 4 : packet.Length - tagLength - 4;
        var word = BinaryPrimitives.ReadUInt32BigEndian(packet[indexOffset..]);
        var encrypted = (word & 0x80000000u) != 0;
        var index = word & 0x7FFFFFFFu;
        _rtcpStreams.TryGetValue(ssrc, out var state);
        if (state is not null && state.Window.IsReplay(index))
        {
            return false;
        }

        int bodyLength;
        if (gcm)
        {
            bodyLength = packet.Length - 4 - tagLength;
            Span<byte> nonce = stackalloc byte[12];
            RtcpGcmNonce(ssrc, index, nonce);
            Span<byte> aad = stackalloc byte[RtcpHeaderLength + 4];
            packet[..RtcpHeaderLength].CopyTo(aad);
            BinaryPrimitives.WriteUInt32BigEndian(aad[RtcpHeaderLength..], word);
            try
            {
                if (encrypted)
                {
                    var cipher = packet[RtcpHeaderLength..bodyLength];
                    _rtcpGcm!.Decrypt(nonce, cipher, packet.Slice(bodyLength, tagLength), cipher, aad);
                }
                else
                {
                    // Unencrypted SRTCP under GCM authenticates the whole packet as associated data.
                    Span<byte> none = [];
                    var fullAad = new byte[bodyLength + 4];
                    packet[..bodyLength].CopyTo(fullAad);
                    BinaryPrimitives.WriteUInt32BigEndian(fullAad.AsSpan(bodyLength), word);
                    _rtcpGcm!.Decrypt(nonce, none, packet.Slice(bodyLength, tagLength), none, fullAad);
                }
            }
            catch (AuthenticationTagMismatchException)
            {
                return false;
            }
        }
        else
        {
            bodyLength = indexOffset;
            Span<byte> tag = stackalloc byte[20];
            _rtcpAuth!.AppendData(packet[..(indexOffset + 4)]);
            _rtcpAuth.GetHashAndReset(tag);
            if (!CryptographicOperations.FixedTimeEquals(tag[..tagLength], packet.Slice(indexOffset + 4, tagLength)))
            {
                return false;
            }

            if (encrypted)
            {
                Span<byte> iv = stackalloc byte[16];
                CounterIv(_rtcpSalt, ssrc, index, iv);
                AesCounterMode.Apply(_rtcpAes!, iv, packet[RtcpHeaderLength..bodyLength]);
            }
        }

        if (state is null)
        {
            if (_rtcpStreams.Count >= MaxSsrcs)
            {
                return false;
            }

            state = new RtcpStreamState();
            _rtcpStreams[ssrc] = state;
        }

        state.Window.Accept(index);
        length = bodyLength;
        return true;
    }

    /// <summary>Encrypts and authenticates a compound RTCP packet in place; <paramref name="buffer"/> needs <see cref="RtcpOverhead"/> spare bytes.</summary>
    /// <returns>The SRTCP packet's length.</returns>
    public int ProtectRtcp(Span<byte> buffer, int length)
    {
        if (length < RtcpHeaderLength || buffer.Length < length + RtcpOverhead)
        {
            throw new ArgumentException("Not an RTCP packet with room for the SRTCP trailer.", nameof(buffer));
        }

        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]);
        if (!_rtcpStreams.TryGetValue(ssrc, out var state))
        {
            state = new RtcpStreamState();
            _rtcpStreams[ssrc] = state;
        }

        var index = state.NextIndex;
        state.NextIndex = (state.NextIndex + 1) & 0x7FFFFFFFu;
        var word = 0x80000000u | index;
        if (_profile == SrtpProfile.AeadAes128Gcm)
        {
            Span<byte> nonce = stackalloc byte[12];
            RtcpGcmNonce(ssrc, index, nonce);
            Span<byte> aad = stackalloc byte[RtcpHeaderLength + 4];
            buffer[..RtcpHeaderLength].CopyTo(aad);
            BinaryPrimitives.WriteUInt32BigEndian(aad[RtcpHeaderLength..], word);
            var plain = buffer[RtcpHeaderLength..length];
            _rtcpGcm!.Encrypt(nonce, plain, plain, buffer.Slice(length, GcmTagLength), aad);
            BinaryPrimitives.WriteUInt32BigEndian(buffer[(length + GcmTagLength)..], word);
            return length + GcmTagLength + 4;
        }

        Span<byte> iv = stackalloc byte[16];
        CounterIv(_rtcpSalt, ssrc, index, iv);
        AesCounterMode.Apply(_rtcpAes!, iv, buffer[RtcpHeaderLength..length]);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[length..], word);
        Span<byte> tag = stackalloc byte[20];
        _rtcpAuth!.AppendData(buffer[..(length + 4)]);
        _rtcpAuth.GetHashAndReset(tag);
        tag[..AesCmTagLength].CopyTo(buffer[(length + 4)..]);
        return length + 4 + AesCmTagLength;
    }

    /// <summary>IV = (0x0000 || SSRC || 0x0000 || 0 || SRTCP index) xor salt (RFC 7714 section 9.1).</summary>
    private void RtcpGcmNonce(uint ssrc, uint index, Span<byte> nonce)
    {
        nonce.Clear();
        BinaryPrimitives.WriteUInt32BigEndian(nonce[2..], ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[8..], index & 0x7FFFFFFFu);
        for (var i = 0; i < 12; i++)
        {
            nonce[i] ^= _rtcpSalt[i];
        }
    }
}
