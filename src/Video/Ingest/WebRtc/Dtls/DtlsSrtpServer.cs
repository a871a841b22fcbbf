using System.Collections;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Tls;
using HashAlgorithm = Org.BouncyCastle.Crypto.Tls.HashAlgorithm;
using Platform.Video.Ingest.WebRtc.Srtp;

namespace Platform.Video.Ingest.WebRtc.Dtls;

/// <summary>
/// The BouncyCastle TLS server for one WebRTC session: DTLS 1.0–1.2 with ECDHE-ECDSA suites, the <c>use_srtp</c>
/// extension (RFC 5764) choosing AEAD_AES_128_GCM or AES128_CM_HMAC_SHA1_80, a required client certificate whose hash
/// must equal the SDP fingerprint, and SRTP keys from the EXTRACTOR-dtls_srtp exporter once the handshake completes.
/// </summary>
public sealed class DtlsSrtpServer(DtlsCertificate certificate, string fingerprintAlgorithm, byte[] expectedFingerprint) : DefaultTlsServer
{
    private static readonly int[] Suites =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    ];

    private int _profile = -1;

    /// <summary>Set when the handshake completes: the keys the browser protects with, and the ones we protect RTCP with.</summary>
    public (SrtpKeys Client, SrtpKeys Server)? Keys { get; private set; }

    protected override ProtocolVersion MinimumVersion => ProtocolVersion.DTLSv10;

    protected override ProtocolVersion MaximumVersion => ProtocolVersion.DTLSv12;

    protected override int[] GetCipherSuites() => Suites;

    public override void ProcessClientExtensions(IDictionary clientExtensions)
    {
        base.ProcessClientExtensions(clientExtensions);
        var useSrtp = TlsSRTPUtils.GetUseSrtpExtension(clientExtensions)
            ?? throw new TlsFatalAlert(AlertDescription.handshake_failure);
        var offered = useSrtp.ProtectionProfiles;
        _profile = offered.Contains(SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM) ? SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM
            : offered.Contains(SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80) ? SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80
            : throw new TlsFatalAlert(AlertDescription.handshake_failure);
    }

    public override IDictionary GetServerExtensions()
    {
        var extensions = base.GetServerExtensions() ?? new Hashtable();
        TlsSRTPUtils.AddUseSrtpExtension(extensions, new UseSrtpData([_profile], []));
        return extensions;
    }

    public override CertificateRequest GetCertificateRequest()
    {
        var algorithms = new ArrayList
        {
            new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa),
            new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.rsa),
            new SignatureAndHashAlgorithm(HashAlgorithm.sha384, SignatureAlgorithm.ecdsa),
            new SignatureAndHashAlgorithm(HashAlgorithm.sha1, SignatureAlgorithm.ecdsa),
            new SignatureAndHashAlgorithm(HashAlgorithm.sha1, SignatureAlgorithm.rsa),
        };
        return new CertificateRequest([ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign], algorithms, null);
    }

    public override void NotifyClientCertificate(Certificate clientCertificate)
    {
        if (clientCertificate is null || clientCertificate.IsEmpty)
        {
            throw new TlsFatalAlert(AlertDescription.bad_certificate);
        }

        var der = clientCertificate.GetCertificateAt(0).GetEncoded();
        if (!CryptographicOperations.FixedTimeEquals(DtlsCertificate.Hash(fingerprintAlgorithm, der), expectedFingerprint))
        {
            // Someone who learned the ICE credentials but is not the peer that sent the offer.
            throw new TlsFatalAlert(AlertDescription.bad_certificate);
        }
    }

    protected override TlsSignerCredentials GetECDsaSignerCredentials() =>
        new DefaultTlsSignerCredentials(
            mContext, certificate.Certificate, certificate.PrivateKey, new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        var profile = _profile == SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM ? SrtpProfile.AeadAes128Gcm : SrtpProfile.AesCm128HmacSha1_80;
        var length = 2 * (16 + SrtpKeys.SaltLength(profile));
        var material = mContext.ExportKeyingMaterial(ExporterLabel.dtls_srtp, null, length);
        Keys = SrtpKeys.FromKeyingMaterial(profile, material);
    }
}
