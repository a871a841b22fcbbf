using Microsoft.Extensions.Caching.Memory;
using Platform.Video.Store;

namespace Platform.Video.Hls;

/// <summary>
/// The fallback numbering for live windows <see cref="StoredSequences"/> cannot number: fragments stored by a build that
/// did not record ordinals (or, rarely, overlapping publishers). Keeps <c>EXT-X-MEDIA-SEQUENCE</c> and
/// <c>EXT-X-DISCONTINUITY-SEQUENCE</c> steady across reloads of such a playlist on this host: it remembers, per
/// playlist, both numbers for every fragment of the window it last served, and the next window continues from them. A
/// window that shares nothing with the last one continues after it; a playlist this host has not served starts at 0.
/// Other hosts number such a playlist on their own, so it stays exact only while one host serves it.
/// </summary>
public sealed class PlaylistSequences : IDisposable
{
    /// <summary>Most playlists remembered at once; the least recently used beyond this are forgotten.</summary>
    public const int MaxPlaylists = 10_000;

    private static readonly MemoryCacheEntryOptions Entry = new() { SlidingExpiration = TimeSpan.FromMinutes(2), Size = 1 };

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = MaxPlaylists });

    public void Dispose() => _cache.Dispose();

    /// <summary>The media and discontinuity sequence numbers of <paramref name="window"/>'s first fragment, for the playlist named by <paramref name="playlistKey"/>.</summary>
    public (long Media, long Discontinuity) For(string playlistKey, HlsDiscontinuityMode mode, IReadOnlyList<FragmentInfo> window)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (window.Count == 0)
        {
            return (0, 0);
        }

        // Concurrent reloads of one playlist compute the same numbers from the same window, so a race costs nothing
        // (and output caching collapses them into one request anyway).
        var known = _cache.Get<Known>(playlistKey);
        long media = 0, discontinuity = 0;
        if (known is not null)
        {
            var index = Array.BinarySearch(known.Numbers, window[0].Number);
            if (index >= 0)
            {
                (media, discontinuity) = (known.FirstMedia + index, known.Discontinuities[index]);
            }
            else if (window[0].Number > known.Numbers[^1])
            {
                (media, discontinuity) = (known.FirstMedia + known.Numbers.Length, known.Discontinuities[^1] + 1);
            }
        }

        Record(playlistKey, mode, window, media, discontinuity);
        return (media, mode == HlsDiscontinuityMode.Never ? 0 : discontinuity);
    }

    /// <summary>
    /// Remembers the numbers a window was served with by other means (the store's ordinals), so that if a later window
    /// of the same playlist has to be numbered here, it continues from them rather than from 0.
    /// </summary>
    public void Remember(string playlistKey, HlsDiscontinuityMode mode, IReadOnlyList<FragmentInfo> window, long media, long discontinuity)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (window.Count > 0)
        {
            Record(playlistKey, mode, window, media, discontinuity);
        }
    }

    private void Record(string playlistKey, HlsDiscontinuityMode mode, IReadOnlyList<FragmentInfo> window, long media, long discontinuity)
    {
        var next = new Known(window.Count) { FirstMedia = media };
        var d = discontinuity;
        for (var i = 0; i < window.Count; i++)
        {
            if (i > 0 && (mode == HlsDiscontinuityMode.Always || (mode == HlsDiscontinuityMode.OnDiscontinuity && window[i].Discontinuity)))
            {
                d++;
            }

            next.Numbers[i] = window[i].Number;
            next.Discontinuities[i] = d;
        }

        _cache.Set(playlistKey, next, Entry);
    }

    private sealed class Known(int count)
    {
        public long FirstMedia { get; init; }

        public long[] Numbers { get; } = new long[count];

        public long[] Discontinuities { get; } = new long[count];
    }
}
