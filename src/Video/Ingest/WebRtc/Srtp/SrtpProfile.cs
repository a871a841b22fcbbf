namespace Platform.Video.Ingest.WebRtc.Srtp;

/// <summary>The SRTP protection profiles negotiated through DTLS <c>use_srtp</c> (RFC 5764, RFC 7714).</summary>
public enum SrtpProfile
{
    /// <summary>SRTP_AES128_CM_HMAC_SHA1_80 (0x0001): AES counter mode, 80-bit HMAC-SHA1 tag.</summary>
    AesCm128HmacSha1_80 = 0x0001,

    /// <summary>SRTP_AEAD_AES_128_GCM (0x0007): AES-GCM with a 16-byte tag.</summary>
    AeadAes128Gcm = 0x0007,
}
