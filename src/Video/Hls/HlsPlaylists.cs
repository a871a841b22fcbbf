using System.Globalization;
using Platform.Video.Store;

namespace Platform.Video.Hls;

/// <summary>Builds a session's master and media playlists from the fragment store.</summary>
public sealed class HlsPlaylists(IFragmentReader reader, PlaylistSequences sequences, TimeProvider time)
{
    /// <summary>The media playlist, or null when the session's window holds no fragment (nothing stored yet, or an empty range).</summary>
    /// <exception cref="KeyNotFoundException">The stream does not exist.</exception>
    public async Task<(string Text, HlsWindow Window)?> MediaAsync(HlsSession session, string? token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var window = await HlsWindow.SelectAsync(reader, session, time.GetUtcNow(), cancellationToken);
        if (window.Fragments.Count == 0)
        {
            return null;
        }

        // On-demand windows always start at the range start, so they number from 0 (as Kinesis Video Streams does).
        // Live windows take the numbers the store recorded with each fragment, the same on every host; only windows it
        // cannot number (fragments stored by an earlier build) fall back to this host's memory of the playlist.
        // Stored numbers are remembered too, so a later window that cannot be numbered from the store (ordinals not
        // consecutive after overlapping writers) continues from them instead of starting again at 0.
        long mediaSequence = 0, discontinuitySequence = 0;
        if (session.Mode != HlsPlaybackMode.OnDemand)
        {
            var playlistKey = string.Create(CultureInfo.InvariantCulture, $"{session.Stream}\u001f{session.Mode}\u001f{session.Discontinuity}\u001f{session.MaxFragments}\u001f{session.Start?.ToUnixTimeMilliseconds()}\u001f{session.CreatedAt.ToUnixTimeMilliseconds()}");
            if (StoredSequences.TryFor(session.Discontinuity, window.Fragments, out mediaSequence, out discontinuitySequence))
            {
                sequences.Remember(playlistKey, session.Discontinuity, window.Fragments, mediaSequence, discontinuitySequence);
            }
            else
            {
                (mediaSequence, discontinuitySequence) = sequences.For(playlistKey, session.Discontinuity, window.Fragments);
            }
        }

        var text = HlsPlaylistWriter.WriteMedia(new MediaPlaylistSpec(
            window.Fragments, HlsUris.ForToken(token), session.Discontinuity, session.DisplayTimestamps, session.TimestampType,
            mediaSequence, discontinuitySequence, window.Ended, window.PlaylistType));
        return (text, window);
    }

    /// <summary>The master playlist (one variant: codecs and size from the newest init segment, bandwidth from the window), or null when there is nothing to play.</summary>
    /// <exception cref="KeyNotFoundException">The stream does not exist.</exception>
    public async Task<string?> MasterAsync(HlsSession session, string? token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var window = await HlsWindow.SelectAsync(reader, session, time.GetUtcNow(), cancellationToken);
        if (window.Fragments.Count == 0)
        {
            return null;
        }

        var init = await reader.ReadInitSegmentAsync(session.Stream, window.Fragments[^1].InitSegmentKey, cancellationToken);
        if (init is null)
        {
            return null;
        }

        var (width, height) = InitSegmentResolution.Read(init.Value.Data.Span);
        var (peak, average) = Bandwidth(window.Fragments);
        var query = token is null ? string.Empty : "?token=" + token;
        return HlsPlaylistWriter.WriteMaster(new MasterPlaylistSpec(peak, average, init.Value.Codecs, width, height, "media.m3u8" + query));
    }

    /// <summary>Peak and mean bits per second over <paramref name="fragments"/>.</summary>
    public static (long Peak, long Average) Bandwidth(IReadOnlyList<FragmentInfo> fragments)
    {
        ArgumentNullException.ThrowIfNull(fragments);
        double peak = 0, bytes = 0, seconds = 0;
        foreach (var fragment in fragments)
        {
            var duration = Math.Max(fragment.Duration.TotalSeconds, 0.001);
            peak = Math.Max(peak, fragment.Size * 8 / duration);
            bytes += fragment.Size;
            seconds += duration;
        }

        return ((long)Math.Ceiling(peak), seconds > 0 ? (long)Math.Ceiling(bytes * 8 / seconds) : 0);
    }
}
