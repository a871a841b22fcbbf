namespace Platform.Video.Ingest.WebRtc.Srtp;

/// <summary>One direction's SRTP master key and salt.</summary>
/// <param name="Profile">The protection profile.</param>
/// <param name="MasterKey">16 bytes for both supported profiles.</param>
/// <param name="MasterSalt">14 bytes (AES-CM) or 12 bytes (AES-GCM).</param>
public sealed record SrtpKeys(SrtpProfile Profile, byte[] MasterKey, byte[] MasterSalt)
{
    public static int SaltLength(SrtpProfile profile) => profile == SrtpProfile.AeadAes128Gcm ? 12 : 14;

    /// <summary>
    /// Splits the DTLS exporter output (label EXTRACTOR-dtls_srtp) into the client's and the server's keys: the layout is
    /// client key, server key, client salt, server salt (RFC 5764 section 4.2).
    /// </summary>
    public static (SrtpKeys Client, SrtpKeys Server) FromKeyingMaterial(SrtpProfile profile, ReadOnlySpan<byte> material)
    {
        const int keyLength = 16;
        var saltLength = SaltLength(profile);
        if (material.Length != 2 * (keyLength + saltLength))
        {
            throw new ArgumentException($"Expected {2 * (keyLength + saltLength)} bytes of keying material.", nameof(material));
        }

        var client = new SrtpKeys(profile, material[..keyLength].ToArray(), material.Slice(2 * keyLength, saltLength).ToArray());
        var server = new SrtpKeys(
            profile, material.Slice(keyLength, keyLength).ToArray(), material.Slice((2 * keyLength) + saltLength, saltLength).ToArray());
        return (client, server);
    }
}
