using Org.BouncyCastle.Crypto.Tls;
using Org.BouncyCastle.Security;
using Platform.Video.Ingest.WebRtc.Dtls;

namespace Platform.Video.Ingest.WebRtc.Transport;

public sealed partial class WebRtcSession
{
    /// <summary>After the handshake the engine keeps reading this long, to resend our last flight if the browser missed it.</summary>
    private static readonly TimeSpan DtlsLinger = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Runs BouncyCastle's blocking DTLS server on a dedicated thread: it reads from the session's DTLS queue and
    /// writes through the shared socket to the nominated address.
    /// </summary>
    private void RunDtls()
    {
        var server = new DtlsSrtpServer(_certificate, Offer.FingerprintAlgorithm, Offer.Fingerprint);
        DtlsTransport transport;
        try
        {
            // ICE already proved the peer owns its address, so the cookie exchange would only add a round trip.
            var protocol = new DtlsServerProtocol(new SecureRandom()) { VerifyRequests = false };
            transport = protocol.Accept(server, _dtls);
        }
#pragma warning disable CA1031 // Any handshake failure ends this session only.
        catch (Exception e)
#pragma warning restore CA1031
        {
            if (!IsEnded)
            {
                WebRtcLog.DtlsFailed(_logger, e, Id);
                Post(new Inbound(PacketKind.Unknown, null, new EndSignal("DTLS handshake failed")));
            }

            return;
        }

        var keys = server.Keys!.Value;
        WebRtcLog.DtlsConnected(_logger, Id, keys.Client.Profile.ToString());
        Post(new Inbound(PacketKind.Unknown, null, new KeysSignal(keys)));
        var buffer = new byte[2048];
        var until = _time.GetTimestamp() + (long)(DtlsLinger.TotalSeconds * _time.TimestampFrequency);
        try
        {
            while (!IsEnded && _time.GetTimestamp() < until)
            {
                transport.Receive(buffer, 0, buffer.Length, 500);
            }
        }
#pragma warning disable CA1031 // A close_notify or a closed queue ends the linger; media continues over SRTP.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
