namespace Platform.Video.Ingest.WebRtc.Sdp;

/// <summary>An offer the endpoint accepts: the remote ICE and DTLS parameters and the per-section choices.</summary>
/// <param name="RemoteUfrag">The offerer's ice-ufrag.</param>
/// <param name="RemotePassword">The offerer's ice-pwd.</param>
/// <param name="FingerprintAlgorithm">The hash of the offerer's certificate fingerprint (sha-256, sha-384, sha-512).</param>
/// <param name="Fingerprint">The fingerprint bytes its DTLS certificate must hash to.</param>
/// <param name="Sections">One entry per offered media section, in offer order.</param>
public sealed record NegotiatedOffer(
    string RemoteUfrag,
    string RemotePassword,
    string FingerprintAlgorithm,
    byte[] Fingerprint,
    IReadOnlyList<NegotiatedSection> Sections)
{
    public NegotiatedSection Video => Sections.First(s => s.Accepted && s.Kind == "video");

    public NegotiatedSection? Audio => Sections.FirstOrDefault(s => s.Accepted && s.Kind == "audio");
}
