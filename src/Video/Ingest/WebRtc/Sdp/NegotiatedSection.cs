namespace Platform.Video.Ingest.WebRtc.Sdp;

/// <summary>What the answer says about one media section of the offer.</summary>
/// <param name="Mid">The section's mid.</param>
/// <param name="Kind">audio, video or another kind (rejected).</param>
/// <param name="Protocol">The offer's protocol token, mirrored in the answer.</param>
/// <param name="Accepted">False for sections the answer rejects with port 0.</param>
/// <param name="PayloadType">The chosen payload type (when accepted).</param>
/// <param name="RtpMap">The chosen rtpmap value after the payload type (for example <c>H264/90000</c>).</param>
/// <param name="Fmtp">The chosen format parameters, or null.</param>
/// <param name="Feedback">The rtcp-fb values the answer accepts (nack, nack pli, ccm fir).</param>
/// <param name="RejectedFormat">The first format token of a rejected section (an m= line needs one).</param>
public sealed record NegotiatedSection(
    string Mid,
    string Kind,
    string Protocol,
    bool Accepted,
    int PayloadType,
    string RtpMap,
    string? Fmtp,
    IReadOnlyList<string> Feedback,
    string RejectedFormat);
