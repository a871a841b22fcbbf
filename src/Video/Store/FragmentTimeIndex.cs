namespace Platform.Video.Store;

/// <summary>
/// A stream's time index: its stream-hour indexes in time order. A range query finds the first hour by binary search,
/// then the first entry within it by binary search, and reads forward, so its cost grows with the log of the stored
/// fragments plus the size of the answer, never with a scan of the stream.
/// </summary>
/// <remarks>
/// Hours are keyed by server time. A producer timestamp may differ from the server's by at most
/// <see cref="MaxProducerSkew"/> for producer-time queries to find the fragment (its server-time query still does).
/// Not thread-safe; the store guards each instance.
/// </remarks>
public sealed class FragmentTimeIndex
{
    /// <summary>How far a producer timestamp may stray from the server's and still be found by a producer-time query.</summary>
    public static readonly TimeSpan MaxProducerSkew = TimeSpan.FromHours(1);

    private readonly SortedList<long, FragmentHourIndex> _hours = [];

    public int HourCount => _hours.Count;

    public IList<FragmentHourIndex> Hours => _hours.Values;

    public static DateTimeOffset HourOf(DateTimeOffset time) => new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);

    public FragmentHourIndex? Find(DateTimeOffset hourStart) => _hours.TryGetValue(hourStart.UtcTicks, out var hour) ? hour : null;

    public FragmentHourIndex GetOrAdd(DateTimeOffset hourStart)
    {
        if (!_hours.TryGetValue(hourStart.UtcTicks, out var hour))
        {
            hour = new FragmentHourIndex(hourStart);
            _hours.Add(hourStart.UtcTicks, hour);
        }

        return hour;
    }

    public bool Remove(DateTimeOffset hourStart) => _hours.Remove(hourStart.UtcTicks);

    /// <summary>The hours a query of [from, to] by <paramref name="type"/> must look at: a position range in <see cref="Hours"/>.</summary>
    public (int First, int End) CandidateHours(FragmentTimestampType type, DateTimeOffset from, DateTimeOffset to)
    {
        var skew = type == FragmentTimestampType.ProducerTimestamp ? MaxProducerSkew.Ticks : 0;
        var first = LowerBound(SaturatingAdd(from.UtcTicks, -skew - TimeSpan.TicksPerHour + 1));
        var end = LowerBound(SaturatingAdd(to.UtcTicks, skew + 1));
        return (first, Math.Max(first, end));
    }

    /// <summary>Entries whose <paramref name="type"/> timestamp lies in [from, to], oldest first, at most <paramref name="max"/>.</summary>
    public List<FragmentIndexEntry> Query(FragmentTimestampType type, DateTimeOffset from, DateTimeOffset to, int max)
    {
        var result = new List<FragmentIndexEntry>();
        if (max < 1 || to < from)
        {
            return result;
        }

        var (first, end) = CandidateHours(type, from, to);
        if (type == FragmentTimestampType.ServerTimestamp)
        {
            // Hours partition server time, so hour order is answer order.
            for (var h = first; h < end && result.Count < max; h++)
            {
                _hours.Values[h].Query(type, from.UtcTicks, to.UtcTicks, max, result);
            }

            return result;
        }

        // Producer times of neighbouring hours may interleave (by up to the skew): gather hour by hour, and stop once the
        // next hour cannot hold anything earlier than the max-th answer so far.
        var scratch = new List<FragmentIndexEntry>();
        for (var h = first; h < end; h++)
        {
            var hour = _hours.Values[h];
            if (result.Count >= max && hour.HourStart.UtcTicks - MaxProducerSkew.Ticks > result[max - 1].ProducerTicks)
            {
                break;
            }

            scratch.Clear();
            hour.Query(type, from.UtcTicks, to.UtcTicks, max, scratch);
            if (scratch.Count == 0)
            {
                continue;
            }

            var needsSort = result.Count > 0 && scratch[0].ProducerTicks < result[^1].ProducerTicks;
            result.AddRange(scratch);
            if (needsSort)
            {
                result.Sort(static (a, b) => a.ProducerTicks != b.ProducerTicks ? a.ProducerTicks.CompareTo(b.ProducerTicks) : a.Number.CompareTo(b.Number));
            }

            if (result.Count > max)
            {
                result.RemoveRange(max, result.Count - max);
            }
        }

        return result;
    }

    /// <summary>The newest <paramref name="count"/> entries by number, oldest first.</summary>
    public List<FragmentIndexEntry> Newest(int count)
    {
        var result = new List<FragmentIndexEntry>();
        for (var h = _hours.Count - 1; h >= 0 && result.Count < count; h--)
        {
            _hours.Values[h].Newest(count - result.Count, result);
        }

        result.Reverse();
        return result;
    }

    private int LowerBound(long ticks)
    {
        var keys = _hours.Keys;
        var lo = 0;
        var hi = keys.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (keys[mid] < ticks)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static long SaturatingAdd(long a, long b)
    {
        var sum = a + b;
        return b > 0 && sum < a ? long.MaxValue : b < 0 && sum > a ? long.MinValue : sum;
    }
}
