using System.Security.Cryptography;

namespace Platform.Video.Ingest.WebRtc.Srtp;

/// <summary>
/// The SRTP key derivation function (RFC 3711 section 4.3) with a key derivation rate of 0, the only one DTLS-SRTP
/// uses: AES-CM keyed with the master key over <c>(label || 0^48) xor master_salt</c>.
/// </summary>
public static class SrtpKeyDerivation
{
    public const byte RtpEncryption = 0;
    public const byte RtpAuthentication = 1;
    public const byte RtpSalt = 2;
    public const byte RtcpEncryption = 3;
    public const byte RtcpAuthentication = 4;
    public const byte RtcpSalt = 5;

    public static byte[] Derive(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, byte label, int length)
    {
        using var aes = Aes.Create();
        aes.Key = masterKey.ToArray();
        Span<byte> iv = stackalloc byte[16];
        iv.Clear();
        masterSalt.CopyTo(iv);

        // The label sits at byte 7 of the 14-byte key id (label, then the 48-bit index divided by the rate, here 0).
        iv[7] ^= label;
        var output = new byte[length];
        AesCounterMode.Apply(aes, iv, output);
        return output;
    }
}
