using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Platform.Video.Ingest.WebRtc.Sdp;

/// <summary>
/// Writes the SDP answer: ICE-lite, our ICE credentials and certificate fingerprint, <c>a=setup:passive</c>, one BUNDLE
/// group with rtcp-mux, receive-only media sections mirroring the offer, and every host candidate on the shared port
/// (ICE-lite gathers nothing, so all candidates are in the answer and trickle is never needed).
/// </summary>
public static class SdpAnswerBuilder
{
    /// <param name="offer">The negotiated offer.</param>
    /// <param name="ufrag">Our ice-ufrag.</param>
    /// <param name="password">Our ice-pwd.</param>
    /// <param name="fingerprint">Our certificate's fingerprint, for example <c>sha-256 AB:CD:...</c>.</param>
    /// <param name="candidates">The public addresses and port to announce.</param>
    /// <param name="sessionId">The o= session id.</param>
    public static string Build(
        NegotiatedOffer offer, string ufrag, string password, string fingerprint, IReadOnlyList<IPEndPoint> candidates, ulong sessionId)
    {
        var sb = new StringBuilder(2048);
        var inv = CultureInfo.InvariantCulture;
        Line(sb, "v=0");
        Line(sb, $"o=- {sessionId.ToString(inv)} 2 IN IP4 127.0.0.1");
        Line(sb, "s=-");
        Line(sb, "t=0 0");
        Line(sb, "a=ice-lite");
        var bundle = offer.Sections.Where(s => s.Accepted).Select(s => s.Mid);
        Line(sb, "a=group:BUNDLE " + string.Join(' ', bundle));
        foreach (var section in offer.Sections)
        {
            if (!section.Accepted)
            {
                Line(sb, $"m={section.Kind} 0 {section.Protocol} {section.RejectedFormat}");
                Line(sb, "c=IN IP4 0.0.0.0");
                Line(sb, $"a=mid:{section.Mid}");
                Line(sb, "a=inactive");
                continue;
            }

            var port = candidates.Count > 0 ? candidates[0].Port : 9;
            Line(sb, $"m={section.Kind} {port.ToString(inv)} {section.Protocol} {section.PayloadType.ToString(inv)}");
            var address = candidates.Count > 0 ? candidates[0].Address : IPAddress.Any;
            Line(sb, $"c=IN {(address.AddressFamily == AddressFamily.InterNetworkV6 ? "IP6" : "IP4")} {address}");
            Line(sb, $"a=mid:{section.Mid}");
            Line(sb, $"a=ice-ufrag:{ufrag}");
            Line(sb, $"a=ice-pwd:{password}");
            Line(sb, $"a=fingerprint:{fingerprint}");
            Line(sb, "a=setup:passive");
            Line(sb, "a=recvonly");
            Line(sb, "a=rtcp-mux");
            Line(sb, "a=rtcp-rsize");
            Line(sb, $"a=rtpmap:{section.PayloadType.ToString(inv)} {section.RtpMap}");
            if (section.Fmtp is not null)
            {
                Line(sb, $"a=fmtp:{section.PayloadType.ToString(inv)} {section.Fmtp}");
            }

            foreach (var feedback in section.Feedback)
            {
                Line(sb, $"a=rtcp-fb:{section.PayloadType.ToString(inv)} {feedback}");
            }

            // With BUNDLE the candidates belong to the bundle; repeating them in every section is what JSEP does too.
            var foundation = 1;
            foreach (var candidate in candidates)
            {
                Line(sb, $"a=candidate:{foundation.ToString(inv)} 1 udp {Priority(foundation).ToString(inv)} {candidate.Address} {candidate.Port.ToString(inv)} typ host");
                foundation++;
            }

            Line(sb, "a=end-of-candidates");
        }

        return sb.ToString();
    }

    /// <summary>RFC 8445 section 5.1.2.1 with host type preference 126 and one local preference per address.</summary>
    private static uint Priority(int index) => (126u << 24) | ((uint)(65535 - index) << 8) | 255u;

    private static void Line(StringBuilder sb, string line) => sb.Append(line).Append("\r\n");
}
