using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Platform.Video.Ingest.WebRtc.Srtp;

/// <summary>
/// The SRTP and SRTCP crypto context of one direction (RFC 3711, RFC 7714): session keys derived from one master key,
/// and per SSRC the rollover counter, highest sequence number and replay window. Packets are transformed in place;
/// a packet that fails authentication, is replayed or is malformed is refused (false) and leaves the state untouched.
/// Not thread-safe: one session's receive loop owns it.
/// </summary>
public sealed partial class SrtpContext : IDisposable
{
    public const int AesCmTagLength = 10;
    public const int GcmTagLength = 16;

    /// <summary>SSRCs tracked per context; a WHIP publisher sends two (audio, video) plus retransmission streams.</summary>
    private const int MaxSsrcs = 16;

    private readonly SrtpProfile _profile;
    private readonly Aes? _rtpAes;
    private readonly Aes? _rtcpAes;
    private readonly AesGcm? _rtpGcm;
    private readonly AesGcm? _rtcpGcm;
    private readonly byte[] _rtpSalt;
    private readonly byte[] _rtcpSalt;
    private readonly IncrementalHash? _rtpAuth;
    private readonly IncrementalHash? _rtcpAuth;
    private readonly Dictionary<uint, RtpStreamState> _rtpStreams = [];
    private readonly Dictionary<uint, RtcpStreamState> _rtcpStreams = [];

    public SrtpContext(SrtpKeys keys)
    {
        _profile = keys.Profile;
        var saltLength = SrtpKeys.SaltLength(keys.Profile);
        var rtpKey = SrtpKeyDerivation.Derive(keys.MasterKey, keys.MasterSalt, SrtpKeyDerivation.RtpEncryption, 16);
        var rtcpKey = SrtpKeyDerivation.Derive(keys.MasterKey, keys.MasterSalt, SrtpKeyDerivation.RtcpEncryption, 16);
        _rtpSalt = SrtpKeyDerivation.Derive(keys.MasterKey, keys.MasterSalt, SrtpKeyDerivation.RtpSalt, saltLength);
        _rtcpSalt = SrtpKeyDerivation.Derive(keys.MasterKey, keys.MasterSalt, SrtpKeyDerivation.RtcpSalt, saltLength);
        if (_profile == SrtpProfile.AeadAes128Gcm)
        {
            _rtpGcm = new AesGcm(rtpKey, GcmTagLength);
            _rtcpGcm = new AesGcm(rtcpKey, GcmTagLength);
        }
        else
        {
            _rtpAes = Aes.Create();
            _rtpAes.Key = rtpKey;
            _rtcpAes = Aes.Create();
            _rtcpAes.Key = rtcpKey;
            _rtpAuth = IncrementalHash.CreateHMAC(
                HashAlgorithmName.SHA1, SrtpKeyDerivation.Derive(keys.MasterKey, keys.MasterSalt, SrtpKeyDerivation.RtpAuthentication, 20));
            _rtcpAuth = IncrementalHash.CreateHMAC(
                HashAlgorithmName.SHA1, SrtpKeyDerivation.Derive(keys.MasterKey, keys.MasterSalt, SrtpKeyDerivation.RtcpAuthentication, 20));
        }
    }

    /// <summary>Bytes SRTP adds to an RTP packet (the tag).</summary>
    public int RtpOverhead => _profile == SrtpProfile.AeadAes128Gcm ? GcmTagLength : AesCmTagLength;

    /// <summary>Bytes SRTCP adds to an RTCP packet (index word and tag).</summary>
    public int RtcpOverhead => 4 + RtpOverhead;

    public void Dispose()
    {
        _rtpAes?.Dispose();
        _rtcpAes?.Dispose();
        _rtpGcm?.Dispose();
        _rtcpGcm?.Dispose();
        _rtpAuth?.Dispose();
        _rtcpAuth?.Dispose();
    }

    /// <summary>
    /// Guesses the rollover counter of an arriving sequence number from the highest one seen (RFC 3711 section 3.3.1),
    /// so the index keeps counting across 16-bit wraps and late packets from before a wrap keep the old counter.
    /// </summary>
    public static long EstimateIndex(uint roc, ushort highestSeq, ushort seq)
    {
        long v = roc;
        if (highestSeq < 32768)
        {
            if (seq - highestSeq > 32768 && roc > 0)
            {
                v = roc - 1;
            }
        }
        else if (highestSeq - 32768 > seq)
        {
            v = roc + 1L;
        }

        return (v << 16) | seq;
    }

    private sealed class RtpStreamState
    {
        public uint Roc;
        public ushort HighestSeq;
        public readonly ReplayWindow Window = new();
    }

    private sealed class RtcpStreamState
    {
        public uint NextIndex;
        public readonly ReplayWindow Window = new();
    }

    /// <summary>Length of the RTP header (fixed part, CSRCs and extension) or -1 when the packet is too short for it.</summary>
    internal static int RtpHeaderLength(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 12 || (packet[0] >> 6) != 2)
        {
            return -1;
        }

        var length = 12 + (4 * (packet[0] & 0x0F));
        if ((packet[0] & 0x10) != 0)
        {
            if (packet.Length < length + 4)
            {
                return -1;
            }

            length += 4 + (4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(length + 2)..]));
        }

        return length <= packet.Length ? length : -1;
    }
}
