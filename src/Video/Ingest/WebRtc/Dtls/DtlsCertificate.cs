using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;
using BcCertificate = Org.BouncyCastle.Crypto.Tls.Certificate;

namespace Platform.Video.Ingest.WebRtc.Dtls;

/// <summary>
/// The server's self-signed ECDSA P-256 certificate, made once at start-up: WebRTC authenticates DTLS peers by the
/// certificate fingerprint carried in the SDP, not by a CA, so a fresh certificate per process is what browsers do too.
/// </summary>
public sealed class DtlsCertificate
{
    private DtlsCertificate(BcCertificate certificate, AsymmetricKeyParameter privateKey, byte[] der)
    {
        Certificate = certificate;
        PrivateKey = privateKey;
        Fingerprint = "sha-256 " + Convert.ToHexString(SHA256.HashData(der)).Chunk(2).Select(c => new string(c)).Aggregate((a, b) => a + ":" + b);
    }

    public BcCertificate Certificate { get; }

    public AsymmetricKeyParameter PrivateKey { get; }

    /// <summary>The SDP <c>a=fingerprint</c> value, for example <c>sha-256 AB:CD:...</c>.</summary>
    public string Fingerprint { get; }

    public static DtlsCertificate Create(TimeProvider time)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=platform-webrtc", key, HashAlgorithmName.SHA256);
        var now = time.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        var der = certificate.RawData;
        var structure = X509CertificateStructure.GetInstance(Asn1Object.FromByteArray(der));
        var privateKey = PrivateKeyFactory.CreateKey(key.ExportPkcs8PrivateKey());
        return new DtlsCertificate(new BcCertificate([structure]), privateKey, der);
    }

    /// <summary>Hashes a peer certificate (DER) with the SDP fingerprint's algorithm.</summary>
    public static byte[] Hash(string algorithm, byte[] der) => algorithm switch
    {
        "sha-384" => SHA384.HashData(der),
        "sha-512" => SHA512.HashData(der),
        _ => SHA256.HashData(der),
    };
}
