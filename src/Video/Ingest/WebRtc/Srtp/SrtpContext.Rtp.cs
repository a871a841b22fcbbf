using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Platform.Video.Ingest.WebRtc.Srtp;

public sealed partial class SrtpContext
{
    /// <summary>
    /// Authenticates and decrypts one SRTP packet in place.
    /// </summary>
    /// <param name="packet">The packet as received; on success it holds the plain RTP packet in its first bytes.</param>
    /// <param name="length">The plain RTP packet's length.</param>
    /// <returns>False when the packet is malformed, fails authentication, or is a replay.</returns>
    public bool TryUnprotectRtp(Span<byte> packet, out int length)
    {
        length = 0;
        var tagLength = RtpOverhead;
        var headerLength = RtpHeaderLength(packet);
        if (headerLength < 0 || packet.Length - tagLength < headerLength)
        {
            return false;
        }

        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        var seq = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        _rtpStreams.TryGetValue(ssrc, out var state);
        var index = state is null ? seq : EstimateIndex(state.Roc, state.HighestSeq, seq);
        if (state is not null && state.Window.IsReplay(index))
        {
            return false;
        }

        var roc = (uint)(index >> 16);
        var bodyLength = packet.Length - tagLength;
        if (_profile == SrtpProfile.AeadAes128Gcm)
        {
            Span<byte> nonce = stackalloc byte[12];
            RtpGcmNonce(ssrc, index, nonce);
            var cipher = packet[headerLength..bodyLength];
            try
            {
                _rtpGcm!.Decrypt(nonce, cipher, packet.Slice(bodyLength, tagLength), cipher, packet[..headerLength]);
            }
            catch (AuthenticationTagMismatchException)
            {
                return false;
            }
        }
        else
        {
            Span<byte> tag = stackalloc byte[20];
            RtpAuthTag(packet[..bodyLength], roc, tag);
            if (!CryptographicOperations.FixedTimeEquals(tag[..tagLength], packet.Slice(bodyLength, tagLength)))
            {
                return false;
            }

            Span<byte> iv = stackalloc byte[16];
            CounterIv(_rtpSalt, ssrc, index, iv);
            AesCounterMode.Apply(_rtpAes!, iv, packet[headerLength..bodyLength]);
        }

        if (state is null)
        {
            if (_rtpStreams.Count >= MaxSsrcs)
            {
                return false;
            }

            state = new RtpStreamState { HighestSeq = seq };
            _rtpStreams[ssrc] = state;
        }

        if (index > (((long)state.Roc << 16) | state.HighestSeq))
        {
            state.Roc = roc;
            state.HighestSeq = seq;
        }

        state.Window.Accept(index);
        length = bodyLength;
        return true;
    }

    /// <summary>Encrypts and authenticates one RTP packet in place; <paramref name="buffer"/> needs <see cref="RtpOverhead"/> spare bytes.</summary>
    /// <returns>The SRTP packet's length.</returns>
    public int ProtectRtp(Span<byte> buffer, int length)
    {
        var packet = buffer[..length];
        var headerLength = RtpHeaderLength(packet);
        if (headerLength < 0 || buffer.Length < length + RtpOverhead)
        {
            throw new ArgumentException("Not an RTP packet with room for the SRTP tag.", nameof(buffer));
        }

        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        var seq = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        if (!_rtpStreams.TryGetValue(ssrc, out var state))
        {
            state = new RtpStreamState { HighestSeq = seq };
            _rtpStreams[ssrc] = state;
        }
        else if (seq < state.HighestSeq && state.HighestSeq - seq > 32768)
        {
            state.Roc++;
        }

        state.HighestSeq = seq;
        var index = ((long)state.Roc << 16) | seq;
        if (_profile == SrtpProfile.AeadAes128Gcm)
        {
            Span<byte> nonce = stackalloc byte[12];
            RtpGcmNonce(ssrc, index, nonce);
            var plain = buffer[headerLength..length];
            _rtpGcm!.Encrypt(nonce, plain, plain, buffer.Slice(length, GcmTagLength), buffer[..headerLength]);
            return length + GcmTagLength;
        }

        Span<byte> iv = stackalloc byte[16];
        CounterIv(_rtpSalt, ssrc, index, iv);
        AesCounterMode.Apply(_rtpAes!, iv, buffer[headerLength..length]);
        Span<byte> tag = stackalloc byte[20];
        RtpAuthTag(buffer[..length], state.Roc, tag);
        tag[..AesCmTagLength].CopyTo(buffer[length..]);
        return length + AesCmTagLength;
    }

    private void RtpAuthTag(ReadOnlySpan<byte> authenticated, uint roc, Span<byte> tag)
    {
        Span<byte> rocBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(rocBytes, roc);
        _rtpAuth!.AppendData(authenticated);
        _rtpAuth.AppendData(rocBytes);
        _rtpAuth.GetHashAndReset(tag);
    }

    /// <summary>IV = (salt * 2^16) xor (SSRC * 2^64) xor (index * 2^16) (RFC 3711 section 4.1.1).</summary>
    private static void CounterIv(ReadOnlySpan<byte> salt, uint ssrc, long index, Span<byte> iv)
    {
        iv.Clear();
        salt.CopyTo(iv);
        iv[4] ^= (byte)(ssrc >> 24);
        iv[5] ^= (byte)(ssrc >> 16);
        iv[6] ^= (byte)(ssrc >> 8);
        iv[7] ^= (byte)ssrc;
        for (var i = 0; i < 6; i++)
        {
            iv[8 + i] ^= (byte)(index >> (40 - (8 * i)));
        }
    }

    /// <summary>IV = (0x0000 || SSRC || ROC || SEQ) xor salt (RFC 7714 section 8.1).</summary>
    private void RtpGcmNonce(uint ssrc, long index, Span<byte> nonce)
    {
        nonce.Clear();
        BinaryPrimitives.WriteUInt32BigEndian(nonce[2..], ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[6..], (uint)(index >> 16));
        BinaryPrimitives.WriteUInt16BigEndian(nonce[10..], (ushort)index);
        for (var i = 0; i < 12; i++)
        {
            nonce[i] ^= _rtpSalt[i];
        }
    }
}
