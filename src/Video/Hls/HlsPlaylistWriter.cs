using System.Globalization;
using System.Text;
using Platform.Video.Store;

namespace Platform.Video.Hls;

/// <summary>
/// Playlist text (RFC 8216, version 7 for fMP4 with <c>EXT-X-MAP</c>). Pure: no I/O, no clock, so every mode and
/// option is tested on fixed input.
/// </summary>
public static class HlsPlaylistWriter
{
    public const int Version = 7;

    /// <summary>Target duration used when a playlist lists nothing yet (the fragmenter's default fragment length).</summary>
    public const int EmptyTargetDuration = 2;

    public static string WriteMaster(MasterPlaylistSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var text = new StringBuilder(256);
        text.Append("#EXTM3U\n");
        text.Append(CultureInfo.InvariantCulture, $"#EXT-X-VERSION:{Version}\n");
        text.Append("#EXT-X-INDEPENDENT-SEGMENTS\n");
        text.Append(CultureInfo.InvariantCulture, $"#EXT-X-STREAM-INF:BANDWIDTH={Math.Max(1, spec.PeakBandwidth)}");
        if (spec.AverageBandwidth > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $",AVERAGE-BANDWIDTH={spec.AverageBandwidth}");
        }

        text.Append(",CODECS=\"").Append(spec.Codecs).Append('"');
        if (spec.Width > 0 && spec.Height > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $",RESOLUTION={spec.Width}x{spec.Height}");
        }

        text.Append('\n').Append(spec.MediaPlaylistUri).Append('\n');
        return text.ToString();
    }

    /// <summary>
    /// A media playlist. <c>EXT-X-MEDIA-SEQUENCE</c> is given (fragment numbers are not consecutive; see
    /// <see cref="StoredSequences"/>); URIs name fragments by number. A discontinuity tag is never written before the first fragment listed:
    /// <see cref="MediaPlaylistSpec.DiscontinuitySequence"/> already counts it, which keeps every fragment's
    /// discontinuity sequence number the same on every reload.
    /// </summary>
    public static string WriteMedia(MediaPlaylistSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var fragments = spec.Fragments;
        var text = new StringBuilder(160 + (fragments.Count * 96));
        text.Append("#EXTM3U\n");
        text.Append(CultureInfo.InvariantCulture, $"#EXT-X-VERSION:{Version}\n");
        text.Append(CultureInfo.InvariantCulture, $"#EXT-X-TARGETDURATION:{TargetDuration(fragments)}\n");
        text.Append(CultureInfo.InvariantCulture, $"#EXT-X-MEDIA-SEQUENCE:{spec.MediaSequence}\n");
        if (spec.Discontinuity != HlsDiscontinuityMode.Never)
        {
            text.Append(CultureInfo.InvariantCulture, $"#EXT-X-DISCONTINUITY-SEQUENCE:{spec.DiscontinuitySequence}\n");
        }

        if (spec.PlaylistType is not null)
        {
            text.Append("#EXT-X-PLAYLIST-TYPE:").Append(spec.PlaylistType).Append('\n');
        }

        text.Append("#EXT-X-INDEPENDENT-SEGMENTS\n");
        string? currentInit = null;
        for (var i = 0; i < fragments.Count; i++)
        {
            var fragment = fragments[i];
            if (i > 0 && spec.Discontinuity switch
            {
                HlsDiscontinuityMode.Always => true,
                HlsDiscontinuityMode.OnDiscontinuity => fragment.Discontinuity,
                _ => false,
            })
            {
                text.Append("#EXT-X-DISCONTINUITY\n");
            }

            if (!string.Equals(currentInit, fragment.InitSegmentKey, StringComparison.Ordinal))
            {
                currentInit = fragment.InitSegmentKey;
                text.Append("#EXT-X-MAP:URI=\"").Append(spec.Uris.Init(currentInit)).Append("\"\n");
            }

            if (spec.DisplayTimestamps)
            {
                var at = spec.TimestampType == FragmentTimestampType.ProducerTimestamp ? fragment.ProducerTime : fragment.ServerTime;
                text.Append("#EXT-X-PROGRAM-DATE-TIME:").Append(at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)).Append('\n');
            }

            text.Append(CultureInfo.InvariantCulture, $"#EXTINF:{Milliseconds(fragment.Duration) / 1000.0:F3},\n");
            text.Append(spec.Uris.Fragment(fragment.Number)).Append('\n');
        }

        if (spec.Ended)
        {
            text.Append("#EXT-X-ENDLIST\n");
        }

        return text.ToString();
    }

    /// <summary>
    /// The longest fragment's duration (as listed, to the millisecond) rounded to the nearest whole second, at least 1:
    /// RFC 8216 §4.3.3.1 bounds each EXTINF rounded to the nearest integer, not rounded up. Players time their live start
    /// (three target durations from the end) and reloads by it, so a second too many for 2.03 s fragments would start
    /// them 9 s behind live, a moment from the start of a 10 s live window it slides out of.
    /// </summary>
    public static int TargetDuration(IReadOnlyList<FragmentInfo> fragments)
    {
        ArgumentNullException.ThrowIfNull(fragments);
        if (fragments.Count == 0)
        {
            return EmptyTargetDuration;
        }

        long longest = 0;
        foreach (var fragment in fragments)
        {
            longest = Math.Max(longest, Milliseconds(fragment.Duration));
        }

        return (int)Math.Max(1, (longest + 500) / 1000);
    }

    private static long Milliseconds(TimeSpan duration) => (long)Math.Round(duration.TotalMilliseconds, MidpointRounding.AwayFromZero);
}
