using Platform.Video.Store;

namespace Platform.Video.Hls;

/// <summary>The fragments a media playlist lists at one moment, and whether the playlist is complete.</summary>
/// <param name="Fragments">Oldest first.</param>
/// <param name="Ended">True when nothing more will be added (<c>EXT-X-ENDLIST</c>).</param>
/// <param name="PlaylistType"><c>VOD</c> for ON_DEMAND, otherwise null.</param>
public sealed record HlsWindow(IReadOnlyList<FragmentInfo> Fragments, bool Ended, string? PlaylistType)
{
    /// <summary>
    /// Picks the fragments for <paramref name="session"/> at <paramref name="now"/>. LIVE: the newest. ON_DEMAND: the
    /// oldest in the range. LIVE_REPLAY: a window whose start moves forward from the start timestamp in real time (the
    /// session is stateless, so the clock stands in for the player's position) until it meets the live edge or the end.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The stream does not exist.</exception>
    public static async Task<HlsWindow> SelectAsync(IFragmentReader reader, HlsSession session, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(session);
        var max = session.MaxFragments;
        switch (session.Mode)
        {
            case HlsPlaybackMode.Live:
                return new(await reader.LatestAsync(session.Stream, max, cancellationToken), false, null);

            case HlsPlaybackMode.OnDemand:
                var range = await reader.ListAsync(session.Stream, session.TimestampType, session.Start ?? DateTimeOffset.UnixEpoch, session.End ?? now, max, cancellationToken);
                return new(range, true, "VOD");

            default:
                var start = session.Start ?? session.CreatedAt;
                var elapsed = now - session.CreatedAt;
                var head = start + (elapsed > TimeSpan.Zero ? elapsed : TimeSpan.Zero);
                var end = session.End ?? DateTimeOffset.MaxValue;
                if (head <= end)
                {
                    var ahead = await reader.ListAsync(session.Stream, session.TimestampType, head, end, max, cancellationToken);
                    if (ahead.Count == max)
                    {
                        return new(ahead, false, null);
                    }
                }

                // The window reached the live edge or the end timestamp: from here it is the newest fragments in range.
                if (session.End is null)
                {
                    var latest = await reader.LatestAsync(session.Stream, max, cancellationToken);
                    return new(latest.Where(f => Timestamp(f, session.TimestampType) >= start).ToList(), false, null);
                }

                var all = await reader.ListAsync(session.Stream, session.TimestampType, start, end, HlsSession.MaxFragmentsLimit, cancellationToken);
                var tail = all.Count <= max ? all : all.Skip(all.Count - max).ToList();
                return new(tail, end <= now, null);
        }
    }

    public static DateTimeOffset Timestamp(FragmentInfo fragment, FragmentTimestampType type) =>
        type == FragmentTimestampType.ProducerTimestamp ? fragment.ProducerTime : fragment.ServerTime;
}
