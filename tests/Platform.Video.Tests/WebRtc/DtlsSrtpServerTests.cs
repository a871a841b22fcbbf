using System.Collections;
using Org.BouncyCastle.Crypto.Tls;
using Org.BouncyCastle.Security;
using Platform.Video.Ingest.WebRtc.Dtls;
using Platform.Video.Ingest.WebRtc.Srtp;
using HashAlgorithm = Org.BouncyCastle.Crypto.Tls.HashAlgorithm;

namespace Platform.Video.Tests.WebRtc;

public sealed class DtlsSrtpServerTests
{
    [Fact]
    public async Task Handshake_AgreesOnSrtpKeysWithAClientWhoseFingerprintMatches()
    {
        var serverCertificate = DtlsCertificate.Create(TimeProvider.System);
        var clientCertificate = DtlsCertificate.Create(TimeProvider.System);
        var (server, client) = await HandshakeAsync(serverCertificate, clientCertificate, Fingerprint(clientCertificate));

        Assert.NotNull(server.Keys);
        Assert.Equal(SrtpProfile.AeadAes128Gcm, server.Keys!.Value.Client.Profile);
        Assert.Equal(client.Material, Material(server.Keys.Value));
    }

    [Fact]
    public async Task Handshake_FailsWhenTheClientCertificateDoesNotMatchTheOfferFingerprint()
    {
        var serverCertificate = DtlsCertificate.Create(TimeProvider.System);
        var clientCertificate = DtlsCertificate.Create(TimeProvider.System);
        var other = DtlsCertificate.Create(TimeProvider.System);
        await Assert.ThrowsAnyAsync<Exception>(() => HandshakeAsync(serverCertificate, clientCertificate, Fingerprint(other)));
    }

    [Fact]
    public void Certificate_FingerprintIsSha256InSdpForm()
    {
        var certificate = DtlsCertificate.Create(TimeProvider.System);
        Assert.Matches("^sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$", certificate.Fingerprint);
    }

    private static byte[] Fingerprint(DtlsCertificate certificate) =>
        Convert.FromHexString(certificate.Fingerprint["sha-256 ".Length..].Replace(":", "", StringComparison.Ordinal));

    private static byte[] Material((SrtpKeys Client, SrtpKeys Server) keys) =>
        [.. keys.Client.MasterKey, .. keys.Server.MasterKey, .. keys.Client.MasterSalt, .. keys.Server.MasterSalt];

    private static async Task<(DtlsSrtpServer Server, TestClient Client)> HandshakeAsync(
        DtlsCertificate serverCertificate, DtlsCertificate clientCertificate, byte[] expected)
    {
        QueueDatagramTransport? serverSide = null;
        QueueDatagramTransport? clientSide = null;
        serverSide = new QueueDatagramTransport((b, o, l) => clientSide!.Post(b.AsSpan(o, l).ToArray()));
        clientSide = new QueueDatagramTransport((b, o, l) => serverSide.Post(b.AsSpan(o, l).ToArray()));
        var server = new DtlsSrtpServer(serverCertificate, "sha-256", expected);
        var client = new TestClient(clientCertificate);
        var serverTask = Task.Factory.StartNew(
            () => new DtlsServerProtocol(new SecureRandom()).Accept(server, serverSide), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var clientTask = Task.Factory.StartNew(
            () => new DtlsClientProtocol(new SecureRandom()).Connect(client, clientSide), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            await Task.WhenAll(serverTask, clientTask).WaitAsync(TimeSpan.FromSeconds(20));
        }
        finally
        {
            serverSide.Close();
            clientSide.Close();
        }

        return (server, client);
    }

    private sealed class TestClient(DtlsCertificate certificate) : DefaultTlsClient
    {
        public byte[]? Material { get; private set; }

        public override ProtocolVersion ClientVersion => ProtocolVersion.DTLSv12;

        public override ProtocolVersion MinimumVersion => ProtocolVersion.DTLSv10;

        public override int[] GetCipherSuites() => [CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256];

        public override IDictionary GetClientExtensions()
        {
            var extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetClientExtensions());
            TlsSRTPUtils.AddUseSrtpExtension(
                extensions, new UseSrtpData([SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM, SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80], []));
            return extensions;
        }

        public override TlsAuthentication GetAuthentication() => new Authentication(mContext, certificate);

        public override void NotifyHandshakeComplete()
        {
            base.NotifyHandshakeComplete();
            Material = mContext.ExportKeyingMaterial(ExporterLabel.dtls_srtp, null, 56);
        }
    }

    private sealed class Authentication(TlsContext context, DtlsCertificate certificate) : TlsAuthentication
    {
        public void NotifyServerCertificate(Certificate serverCertificate)
        {
        }

        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest) =>
            new DefaultTlsSignerCredentials(
                context, certificate.Certificate, certificate.PrivateKey, new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }
}
