namespace Platform.Video.Store;

/// <summary>
/// The time index of one stream-hour in memory: its fragment entries in append order, sorted views for binary search
/// by either timestamp, and where each entry's bytes live (hot blob, or warm blob and offset).
/// </summary>
/// <remarks>Not thread-safe; the store guards each instance with its own lock.</remarks>
public sealed class FragmentHourIndex
{
    private readonly List<FragmentIndexEntry> _entries = [];
    private readonly List<WarmRange> _warm = [];
    private readonly List<long> _offsets = [];
    private int[]? _byProducer;
    private int[]? _byServer;
    private bool _serverSorted = true;

    public FragmentHourIndex(DateTimeOffset hourStart) => HourStart = hourStart;

    public DateTimeOffset HourStart { get; }

    public int Count => _entries.Count;

    public IReadOnlyList<FragmentIndexEntry> Entries => _entries;

    /// <summary>Ranges of entries consolidated into warm blobs, contiguous from entry 0.</summary>
    public IReadOnlyList<WarmRange> Warm => _warm;

    /// <summary>Entries from here on are still in the hot tier.</summary>
    public int HotFrom => _warm.Count == 0 ? 0 : _warm[^1].End;

    /// <summary>Bytes of the index blob this instance has read (so a refresh reads only the tail).</summary>
    public long LoadedBytes { get; set; }

    /// <summary>Index records that failed their checksum and were skipped.</summary>
    public int Damaged { get; set; }

    /// <summary>Adds an entry; false for a repeat of the previous one (an append retried after its response was lost
    /// lands twice), which every host skips alike, so entry positions agree everywhere.</summary>
    public bool Add(in FragmentIndexEntry entry)
    {
        if (_entries.Count > 0 && _entries[^1].Number == entry.Number)
        {
            return false;
        }

        if (_entries.Count > 0 && Later(_entries[^1], entry))
        {
            _serverSorted = false;
        }

        _entries.Add(entry);
        _byProducer = null;
        _byServer = null;
        return true;
    }

    /// <summary>Records a warm range; ignored unless it starts where the last one ended and covers only known entries
    /// (a duplicate marker from a second maintenance host, or a damaged one).</summary>
    public bool AddWarm(WarmRange range)
    {
        if (range.FirstEntry != HotFrom || range.Count < 1 || range.End > _entries.Count)
        {
            return false;
        }

        _warm.Add(range);
        long offset = 0;
        for (var i = range.FirstEntry; i < range.End; i++)
        {
            _offsets.Add(offset);
            offset += _entries[i].Size;
        }

        return true;
    }

    /// <summary>Where entry <paramref name="entryIndex"/>'s bytes are: in the warm range <c>Range</c> at <c>Offset</c>, or hot (Range null).</summary>
    public (WarmRange? Range, long Offset) Locate(int entryIndex)
    {
        if (entryIndex >= HotFrom)
        {
            return (null, 0);
        }

        var lo = 0;
        var hi = _warm.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (_warm[mid].FirstEntry <= entryIndex)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return (_warm[lo], _offsets[entryIndex]);
    }

    /// <summary>The entry index of fragment <paramref name="number"/>, or -1.</summary>
    public int FindNumber(long number)
    {
        var order = ServerOrder();
        var lo = 0;
        var hi = _entries.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var at = order is null ? mid : order[mid];
            var n = _entries[at].Number;
            if (n == number)
            {
                return at;
            }

            if (n < number)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return -1;
    }

    /// <summary>Adds to <paramref name="into"/> the entries whose <paramref name="type"/> timestamp lies in [from, to], in that
    /// timestamp's order, stopping once <paramref name="into"/> holds <paramref name="max"/>. Binary search finds the start.</summary>
    public void Query(FragmentTimestampType type, long fromTicks, long toTicks, int max, List<FragmentIndexEntry> into)
    {
        // A null order is the entries' own order.
        var order = type == FragmentTimestampType.ProducerTimestamp ? ProducerOrder() : ServerOrder();
        var lo = 0;
        var hi = _entries.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_entries[order is null ? mid : order[mid]].TicksOf(type) < fromTicks)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        for (var i = lo; i < _entries.Count && into.Count < max; i++)
        {
            var entry = _entries[order is null ? i : order[i]];
            if (entry.TicksOf(type) > toTicks)
            {
                break;
            }

            into.Add(entry);
        }
    }

    /// <summary>The newest entries by number (at most <paramref name="count"/>), newest first.</summary>
    public void Newest(int count, List<FragmentIndexEntry> into)
    {
        var order = ServerOrder();
        for (var i = _entries.Count - 1; i >= 0 && count > 0; i--, count--)
        {
            into.Add(_entries[order is null ? i : order[i]]);
        }
    }

    // Numbers follow server time, so a number order is a server-time order; one writer appends in number order, and
    // only overlapping publishers (a claim taken over from a host that was still writing) break it.
    private static bool Later(in FragmentIndexEntry a, in FragmentIndexEntry b) => a.Number > b.Number;

    /// <summary>Entry positions in number order; null when the entries are in that order already (the usual case).</summary>
    private int[]? ServerOrder()
    {
        if (_serverSorted)
        {
            return null;
        }

        if (_byServer is null)
        {
            _byServer = [.. Enumerable.Range(0, _entries.Count)];
            Array.Sort(_byServer, (a, b) => _entries[a].Number.CompareTo(_entries[b].Number));
        }

        return _byServer;
    }

    private int[] ProducerOrder()
    {
        if (_byProducer is null)
        {
            var keys = new long[_entries.Count];
            _byProducer = new int[_entries.Count];
            for (var i = 0; i < keys.Length; i++)
            {
                keys[i] = _entries[i].ProducerTicks;
                _byProducer[i] = i;
            }

            // A stable order for equal producer times: sort (ticks, index) pairs.
            Array.Sort(keys, _byProducer);
            for (var start = 0; start < keys.Length;)
            {
                var end = start + 1;
                while (end < keys.Length && keys[end] == keys[start])
                {
                    end++;
                }

                if (end - start > 1)
                {
                    Array.Sort(_byProducer, start, end - start);
                }

                start = end;
            }
        }

        return _byProducer;
    }
}
