using Microsoft.Extensions.Caching.Memory;
using Platform.Video.Store;

namespace Platform.Video.Hls;

/// <summary>
/// Keeps <c>EXT-X-DISCONTINUITY-SEQUENCE</c> steady across reloads of a sliding playlist. The store does not count
/// discontinuities, so each host remembers, per playlist, the discontinuity sequence number of every fragment in the
/// window it last served; the next window starts from the number its first fragment had. A window that shares
/// nothing with the last one (a new host, a long pause) restarts from the last known number, which players tolerate:
/// they match live reloads by media sequence number.
/// </summary>
public sealed class DiscontinuitySequences : IDisposable
{
    /// <summary>Most playlists remembered at once; the least recently used beyond this are forgotten.</summary>
    public const int MaxPlaylists = 10_000;

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = MaxPlaylists });

    public void Dispose() => _cache.Dispose();

    private static readonly MemoryCacheEntryOptions Entry = new() { SlidingExpiration = TimeSpan.FromMinutes(2), Size = 1 };

    /// <summary>The discontinuity sequence number of <paramref name="window"/>'s first fragment, for the playlist named by <paramref name="playlistKey"/>.</summary>
    public long For(string playlistKey, HlsDiscontinuityMode mode, IReadOnlyList<FragmentInfo> window)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (window.Count == 0 || mode == HlsDiscontinuityMode.Never)
        {
            return 0;
        }

        if (mode == HlsDiscontinuityMode.Always)
        {
            // A tag between every two fragments: the count before a fragment grows with its (consecutive) number.
            return window[0].Number;
        }

        // Concurrent reloads of one playlist compute the same numbers from the same window, so a race costs nothing
        // (and output caching collapses them into one request anyway).
        var known = _cache.Get<Known>(playlistKey);
        long first;
        if (known is null)
        {
            first = 0;
        }
        else if (known.TryGet(window[0].Number, out var value))
        {
            first = value;
        }
        else
        {
            first = window[0].Number > known.LastNumber ? known.LastSequence + 1 : known.FirstSequence;
        }

        var next = new Known(window[0].Number, window.Count);
        var sequence = first;
        for (var i = 0; i < window.Count; i++)
        {
            if (i > 0 && window[i].Discontinuity)
            {
                sequence++;
            }

            next.Sequences[i] = sequence;
        }

        _cache.Set(playlistKey, next, Entry);
        return first;
    }

    private sealed class Known(long firstNumber, int count)
    {
        public long[] Sequences { get; } = new long[count];

        public long LastNumber => firstNumber + Sequences.Length - 1;

        public long FirstSequence => Sequences[0];

        public long LastSequence => Sequences[^1];

        public bool TryGet(long number, out long sequence)
        {
            var index = number - firstNumber;
            sequence = index >= 0 && index < Sequences.Length ? Sequences[index] : 0;
            return index >= 0 && index < Sequences.Length;
        }
    }
}
