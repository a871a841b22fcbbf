using Platform.Video.Store;

namespace Platform.Video.Hls;

/// <summary>Everything a media playlist's text depends on; see <see cref="HlsPlaylistWriter.WriteMedia"/>.</summary>
/// <param name="Fragments">The fragments to list, oldest first.</param>
/// <param name="Uris">How init segments and fragments are named.</param>
/// <param name="Discontinuity">Where discontinuity tags go.</param>
/// <param name="DisplayTimestamps">True to write <c>EXT-X-PROGRAM-DATE-TIME</c> before every fragment.</param>
/// <param name="TimestampType">Which of a fragment's timestamps <c>EXT-X-PROGRAM-DATE-TIME</c> shows.</param>
/// <param name="MediaSequence">The media sequence number of the first fragment listed (the rest follow consecutively).</param>
/// <param name="DiscontinuitySequence">The discontinuity sequence number of the first fragment listed.</param>
/// <param name="Ended">True to close the playlist with <c>EXT-X-ENDLIST</c> (nothing will be added).</param>
/// <param name="PlaylistType"><c>VOD</c>, <c>EVENT</c>, or null for a sliding live window.</param>
public sealed record MediaPlaylistSpec(
    IReadOnlyList<FragmentInfo> Fragments,
    HlsUris Uris,
    HlsDiscontinuityMode Discontinuity,
    bool DisplayTimestamps,
    FragmentTimestampType TimestampType,
    long MediaSequence,
    long DiscontinuitySequence,
    bool Ended,
    string? PlaylistType);
