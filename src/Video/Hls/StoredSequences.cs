using Platform.Video.Store;

namespace Platform.Video.Hls;

/// <summary>
/// <c>EXT-X-MEDIA-SEQUENCE</c> and <c>EXT-X-DISCONTINUITY-SEQUENCE</c> from what the store records with each fragment
/// (its ordinal and running discontinuity count), so every host numbers a playlist alike with no memory of its own.
/// </summary>
/// <remarks>
/// The media sequence is the first listed fragment's ordinal. The discontinuity sequence depends on where the playlist
/// puts discontinuity tags: ALWAYS tags every fragment boundary, so each fragment is its own discontinuity and the number
/// is the ordinal; ON_DISCONTINUITY tags only flagged fragments and never the first listed one, so the first listed
/// fragment's running count (which already counts it) keeps every fragment's number the same on every reload; NEVER
/// writes no tags and reports 0.
/// </remarks>
public static class StoredSequences
{
    /// <summary>
    /// The sequence numbers of <paramref name="window"/>'s first fragment; false when the window cannot be numbered from
    /// the store: a fragment stored before ordinals were recorded, or ordinals that do not run consecutively through the
    /// window (only overlapping publishers or a producer-time window out of order make that).
    /// </summary>
    public static bool TryFor(HlsDiscontinuityMode mode, IReadOnlyList<FragmentInfo> window, out long mediaSequence, out long discontinuitySequence)
    {
        ArgumentNullException.ThrowIfNull(window);
        (mediaSequence, discontinuitySequence) = (0, 0);
        if (window.Count == 0)
        {
            return true;
        }

        var first = window[0];
        if (first.Ordinal < 0 || first.DiscontinuityCount < 0)
        {
            return false;
        }

        for (var i = 1; i < window.Count; i++)
        {
            var (previous, fragment) = (window[i - 1], window[i]);
            if (fragment.Ordinal != first.Ordinal + i
                || fragment.DiscontinuityCount != previous.DiscontinuityCount + (fragment.Discontinuity ? 1 : 0))
            {
                return false;
            }
        }

        mediaSequence = first.Ordinal;
        discontinuitySequence = mode switch
        {
            HlsDiscontinuityMode.Always => first.Ordinal,
            HlsDiscontinuityMode.OnDiscontinuity => first.DiscontinuityCount,
            _ => 0,
        };
        return true;
    }
}
