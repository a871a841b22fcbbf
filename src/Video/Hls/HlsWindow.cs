using Platform.Video.Store;

namespace Platform.Video.Hls;

/// <summary>The fragments a media playlist lists at one moment, and whether the playlist is complete.</summary>
/// <param name="Fragments">Oldest first.</param>
/// <param name="Ended">True when nothing more will be added (<c>EXT-X-ENDLIST</c>).</param>
/// <param name="PlaylistType"><c>VOD</c> for ON_DEMAND, otherwise null.</param>
public sealed record HlsWindow(IReadOnlyList<FragmentInfo> Fragments, bool Ended, string? PlaylistType)
{
    private const int ReplayPage = 1000;

    /// <summary>The least a fragment advances a LIVE_REPLAY window by, whatever its duration.</summary>
    private static readonly TimeSpan MinReplayStep = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Picks the fragments for <paramref name="session"/> at <paramref name="now"/>. LIVE: the newest. ON_DEMAND: the
    /// oldest in the range. LIVE_REPLAY (as Kinesis Video Streams describes it): the first fragments from the start
    /// timestamp, then one more each time the duration of the next one has elapsed since the session was made, so
    /// playback runs at real speed over the recording (a gap in the recording is skipped, not waited out) until it meets
    /// the live edge, where fragments join as they are stored, or the end timestamp.
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
                return await ReplayAsync(reader, session, now, cancellationToken);
        }
    }

    /// <summary>
    /// LIVE_REPLAY. Sessions are stateless, so every request walks the range from its start, adding up durations until
    /// the time elapsed since the session was made is spent; the walk is bounded by the session's lifetime (at most
    /// 12 hours of fragments) and stops as soon as the window is found.
    /// </summary>
    private static async Task<HlsWindow> ReplayAsync(IFragmentReader reader, HlsSession session, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var max = session.MaxFragments;
        var end = session.End ?? DateTimeOffset.MaxValue;
        var budget = now - session.CreatedAt;
        var window = new Queue<FragmentInfo>(max);
        var added = 0;
        var from = session.Start ?? session.CreatedAt;
        var seenAtFrom = new HashSet<long>();

        // A first page large enough for the usual case (fragments of a second or more), then pages of ReplayPage.
        var page = (int)Math.Clamp(max + Math.Max(0, budget.TotalSeconds) + 1, 1, ReplayPage);
        while (from <= end)
        {
            var fragments = await reader.ListAsync(session.Stream, session.TimestampType, from, end, page, cancellationToken);
            var progressed = false;
            foreach (var fragment in fragments)
            {
                if (seenAtFrom.Contains(fragment.Number))
                {
                    continue; // listed again because it shares the timestamp the page started from
                }

                if (added >= max)
                {
                    // A fragment counts at least MinReplayStep, so fragments of no or almost no duration (a one-frame
                    // last fragment) cannot make the walk run on to the live edge of a long retention.
                    var step = fragment.Duration > MinReplayStep ? fragment.Duration : MinReplayStep;
                    if (step > budget)
                    {
                        return new(window.ToList(), false, null);
                    }

                    budget -= step;
                    window.Dequeue();
                }

                window.Enqueue(fragment);
                added++;
                progressed = true;
                var stamp = Timestamp(fragment, session.TimestampType);
                if (stamp != from)
                {
                    from = stamp;
                    seenAtFrom.Clear();
                }

                seenAtFrom.Add(fragment.Number);
            }

            if (fragments.Count < page || !progressed)
            {
                break;
            }

            page = ReplayPage;
        }

        // Every fragment in range is in: the replay has met the live edge (fragments join as they are stored) or the end.
        return new(window.ToList(), session.End is not null && end <= now, null);
    }

    public static DateTimeOffset Timestamp(FragmentInfo fragment, FragmentTimestampType type) =>
        type == FragmentTimestampType.ProducerTimestamp ? fragment.ProducerTime : fragment.ServerTime;
}
