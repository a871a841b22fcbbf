using System.Globalization;

namespace Platform.Video.Ingest.WebRtc.Sdp;

/// <summary>
/// Decides what the platform accepts from a WHIP offer: one H.264 video track in packetization mode 1 (preferring
/// constrained baseline 42e01f, whatever codec the offer lists first) and at most one Opus audio track, with ICE
/// credentials and a DTLS fingerprint. Data channels and extra sections are refused with reasons.
/// </summary>
public static class WhipOfferNegotiator
{
    private static readonly string[] AcceptedFeedback = ["nack", "nack pli", "ccm fir"];

    /// <exception cref="SdpException">400 when ICE or DTLS parameters are missing or malformed; 406 when the media cannot be taken.</exception>
    public static NegotiatedOffer Negotiate(SessionDescription offer)
    {
        var ufrag = Find(offer, "ice-ufrag") ?? throw new SdpException(400, "The offer has no a=ice-ufrag.");
        var password = Find(offer, "ice-pwd") ?? throw new SdpException(400, "The offer has no a=ice-pwd.");
        var fingerprintLine = Find(offer, "fingerprint") ?? throw new SdpException(400, "The offer has no a=fingerprint.");
        var (algorithm, fingerprint) = ParseFingerprint(fingerprintLine);
        var setup = Find(offer, "setup") ?? "actpass";
        if (setup == "passive")
        {
            throw new SdpException(406, "The offer asks the server to be the DTLS client (a=setup:passive); this endpoint is always passive.");
        }

        var sections = new List<NegotiatedSection>();
        int videoCount = 0, audioCount = 0;
        for (var index = 0; index < offer.Media.Count; index++)
        {
            var media = offer.Media[index];
            var mid = media.Attribute("mid") ?? index.ToString(CultureInfo.InvariantCulture);
            var rejected = new NegotiatedSection(mid, media.Kind, media.Protocol, false, 0, "", null, [], media.Formats.Count > 0 ? media.Formats[0] : "0");
            if (media.Port == 0 || media.HasAttribute("inactive") || media.Kind is not ("video" or "audio"))
            {
                sections.Add(rejected);
                continue;
            }

            if (media.HasAttribute("recvonly"))
            {
                throw new SdpException(406, $"Media section {mid} is recvonly; a WHIP publisher must send (sendonly or sendrecv).");
            }

            if (media.Kind == "video")
            {
                if (++videoCount > 1)
                {
                    throw new SdpException(406, "The offer has more than one video track; WHIP ingest takes one video and one audio track.");
                }

                sections.Add(ChooseH264(media, mid) ?? throw new SdpException(
                    406, "The offer has no H.264 video with packetization-mode=1; the platform stores H.264 only."));
            }
            else
            {
                if (++audioCount > 1)
                {
                    throw new SdpException(406, "The offer has more than one audio track; WHIP ingest takes one video and one audio track.");
                }

                sections.Add(ChooseOpus(media, mid) ?? throw new SdpException(406, "The offer's audio has no Opus; the platform stores Opus audio."));
            }
        }

        if (videoCount == 0)
        {
            throw new SdpException(406, "The offer has no video; WHIP ingest needs one H.264 video track.");
        }

        return new NegotiatedOffer(ufrag, password, algorithm, fingerprint, sections);
    }

    private static NegotiatedSection? ChooseH264(SdpMedia media, string mid)
    {
        var maps = RtpMaps(media);
        var fmtps = Fmtps(media);
        (int Pt, int Score)? best = null;
        foreach (var format in media.Formats)
        {
            if (!int.TryParse(format, CultureInfo.InvariantCulture, out var pt) || !maps.TryGetValue(pt, out var map) ||
                !map.StartsWith("H264/90000", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var parameters = ParseParameters(fmtps.GetValueOrDefault(pt));
            if (parameters.GetValueOrDefault("packetization-mode") != "1")
            {
                continue;
            }

            var profile = parameters.GetValueOrDefault("profile-level-id")?.ToLowerInvariant() ?? "";
            var score = profile == "42e01f" ? 3 : profile.StartsWith("42e0", StringComparison.Ordinal) || profile.StartsWith("4200", StringComparison.Ordinal) ? 2 : 1;
            if (best is null || score > best.Value.Score)
            {
                best = (pt, score);
            }
        }

        return best is { } b
            ? new NegotiatedSection(mid, "video", media.Protocol, true, b.Pt, maps[b.Pt], fmtps.GetValueOrDefault(b.Pt), Feedback(media, b.Pt), "")
            : null;
    }

    private static NegotiatedSection? ChooseOpus(SdpMedia media, string mid)
    {
        var maps = RtpMaps(media);
        var fmtps = Fmtps(media);
        foreach (var format in media.Formats)
        {
            if (int.TryParse(format, CultureInfo.InvariantCulture, out var pt) && maps.TryGetValue(pt, out var map) &&
                map.StartsWith("opus/48000", StringComparison.OrdinalIgnoreCase))
            {
                return new NegotiatedSection(mid, "audio", media.Protocol, true, pt, map, fmtps.GetValueOrDefault(pt), Feedback(media, pt), "");
            }
        }

        return null;
    }

    private static List<string> Feedback(SdpMedia media, int pt)
    {
        var prefix = pt.ToString(CultureInfo.InvariantCulture) + " ";
        return media.AttributesNamed("rtcp-fb")
            .Where(v => v.StartsWith(prefix, StringComparison.Ordinal))
            .Select(v => v[prefix.Length..].Trim())
            .Where(AcceptedFeedback.Contains)
            .Distinct()
            .ToList();
    }

    private static Dictionary<int, string> RtpMaps(SdpMedia media) => PayloadTypeValues(media, "rtpmap");

    private static Dictionary<int, string> Fmtps(SdpMedia media) => PayloadTypeValues(media, "fmtp");

    private static Dictionary<int, string> PayloadTypeValues(SdpMedia media, string name)
    {
        var result = new Dictionary<int, string>();
        foreach (var value in media.AttributesNamed(name))
        {
            var space = value.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && int.TryParse(value.AsSpan(0, space), CultureInfo.InvariantCulture, out var pt) && pt is >= 0 and <= 127)
            {
                result.TryAdd(pt, value[(space + 1)..].Trim());
            }
        }

        return result;
    }

    private static Dictionary<string, string> ParseParameters(string? fmtp)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in (fmtp ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                result[part[..eq]] = part[(eq + 1)..];
            }
        }

        return result;
    }

    private static (string Algorithm, byte[] Value) ParseFingerprint(string line)
    {
        var parts = line.Split(' ', 2, StringSplitOptions.TrimEntries);
        var algorithm = parts[0].ToLowerInvariant();
        var expected = algorithm switch
        {
            "sha-256" => 32,
            "sha-384" => 48,
            "sha-512" => 64,
            _ => throw new SdpException(400, $"The offer's fingerprint uses {parts[0]}; expected sha-256 (or sha-384, sha-512)."),
        };
        try
        {
            var bytes = parts.Length == 2 ? Convert.FromHexString(parts[1].Replace(":", "", StringComparison.Ordinal)) : [];
            if (bytes.Length == expected)
            {
                return (algorithm, bytes);
            }
        }
        catch (FormatException)
        {
        }

        throw new SdpException(400, "The offer's a=fingerprint value is not a valid hexadecimal fingerprint.");
    }

    /// <summary>Media-level value first (JSEP puts ICE and DTLS attributes there), else session level.</summary>
    private static string? Find(SessionDescription offer, string name) =>
        offer.Media.Select(m => m.Attribute(name)).FirstOrDefault(v => v is not null) ?? offer.Attribute(name);
}
