using Platform.Video.Store;

namespace Platform.Video.Hls;

/// <summary>
/// What a signed session URL grants: one stream, a playback mode and its range, and the playlist settings.
/// Sessions are stateless: everything a host needs to serve one travels in the signed token.
/// </summary>
/// <param name="Stream">The stream name.</param>
/// <param name="Mode">LIVE, LIVE_REPLAY or ON_DEMAND.</param>
/// <param name="TimestampType">Which fragment timestamp <paramref name="Start"/>, <paramref name="End"/> and <c>EXT-X-PROGRAM-DATE-TIME</c> use.</param>
/// <param name="Start">Range start (LIVE_REPLAY, ON_DEMAND); null for LIVE.</param>
/// <param name="End">Range end (ON_DEMAND; optional for LIVE_REPLAY); null otherwise.</param>
/// <param name="Discontinuity">Where discontinuity tags go.</param>
/// <param name="DisplayTimestamps">True to write <c>EXT-X-PROGRAM-DATE-TIME</c> before every fragment.</param>
/// <param name="MaxFragments">Most fragments in one media playlist (1–5000).</param>
/// <param name="CreatedAt">When the session was made (LIVE_REPLAY advances from here in real time).</param>
/// <param name="ExpiresAt">After this the token is refused with 403.</param>
public sealed record HlsSession(
    string Stream,
    HlsPlaybackMode Mode,
    FragmentTimestampType TimestampType,
    DateTimeOffset? Start,
    DateTimeOffset? End,
    HlsDiscontinuityMode Discontinuity,
    bool DisplayTimestamps,
    int MaxFragments,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt)
{
    /// <summary>Most fragments a media playlist may list (Kinesis Video Streams' limit).</summary>
    public const int MaxFragmentsLimit = 5000;

    /// <summary>The session the unsigned <c>/hls/{stream}/live.m3u8</c> serves: the newest five fragments, discontinuities marked.</summary>
    public static HlsSession UnsignedLive(string stream, int maxFragments) => new(
        stream, HlsPlaybackMode.Live, FragmentTimestampType.ServerTimestamp, null, null,
        HlsDiscontinuityMode.OnDiscontinuity, false, maxFragments, DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue);
}
