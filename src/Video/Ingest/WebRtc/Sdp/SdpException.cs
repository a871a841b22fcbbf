namespace Platform.Video.Ingest.WebRtc.Sdp;

/// <summary>An SDP offer the endpoint cannot take, with the HTTP status WHIP answers and a reason for the publisher.</summary>
/// <param name="statusCode">400 for malformed SDP, 406 for an offer without what the platform needs (H.264, one of each track).</param>
/// <param name="message">Why, in words a publisher understands.</param>
public sealed class SdpException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}
