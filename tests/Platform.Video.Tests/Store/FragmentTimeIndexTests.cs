using Platform.Video.Store;

namespace Platform.Video.Tests.Store;

/// <summary>The time index as pure logic: a week of 2-second fragments, codec round trips, warm locations.</summary>
public sealed class FragmentTimeIndexTests
{
    private static readonly DateTimeOffset Week = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
    private const int PerHour = 1800;

    /// <summary>7 days × 24 hours × 1,800 fragments of 2 s = 302,400 entries; producer clock 3 s behind the server's.</summary>
    private static FragmentTimeIndex WeekOfFragments()
    {
        var index = new FragmentTimeIndex();
        for (var h = 0; h < 7 * 24; h++)
        {
            var hour = index.GetOrAdd(Week.AddHours(h));
            for (var i = 0; i < PerHour; i++)
            {
                var server = Week.AddHours(h).AddSeconds(2 * i).AddMilliseconds(7);
                hour.Add(Entry(server, server.AddSeconds(-3)));
            }
        }

        return index;
    }

    private static FragmentIndexEntry Entry(DateTimeOffset server, DateTimeOffset producer, int size = 1000) =>
        new(server.ToUnixTimeMilliseconds() * 1000, producer.UtcTicks, server.UtcTicks, TimeSpan.FromSeconds(2).Ticks, size, 42, 0, false);

    [Fact]
    public void AWeekOfTwoSecondFragments_AnswersRangeQueriesByEitherTimestamp_WithExactlyTheFragmentsInRange()
    {
        var index = WeekOfFragments();
        Assert.Equal(7 * 24 * PerHour, index.Hours.Sum(h => h.Count));
        var all = index.Hours.SelectMany(h => h.Entries).ToList();

        var random = new Random(5);
        for (var q = 0; q < 40; q++)
        {
            var type = q % 2 == 0 ? FragmentTimestampType.ServerTimestamp : FragmentTimestampType.ProducerTimestamp;
            var from = Week.AddSeconds(random.Next(-100, 7 * 86_400));
            var to = from.AddSeconds(random.Next(0, 3 * 3600));
            var max = random.Next(1, 2000);

            var expected = all.Where(e => e.TicksOf(type) >= from.UtcTicks && e.TicksOf(type) <= to.UtcTicks).Take(max).ToList();
            var actual = index.Query(type, from, to, max);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void AQueryTouchesOnlyTheHoursItsRangeCanCover()
    {
        var index = WeekOfFragments();

        var (first, end) = index.CandidateHours(FragmentTimestampType.ServerTimestamp, Week.AddDays(3).AddMinutes(30), Week.AddDays(3).AddMinutes(90));
        Assert.Equal((3 * 24, (3 * 24) + 2), (first, end));

        // Producer timestamps may stray from the hour (by MaxProducerSkew), so neighbours are included.
        var (pFirst, pEnd) = index.CandidateHours(FragmentTimestampType.ProducerTimestamp, Week.AddDays(3).AddMinutes(30), Week.AddDays(3).AddMinutes(90));
        Assert.True(pFirst >= (3 * 24) - 2 && pEnd <= (3 * 24) + 4);
    }

    [Fact]
    public void NewestAndFindNumber_WorkAcrossTheWeek()
    {
        var index = WeekOfFragments();
        var newest = index.Newest(3);
        var last = index.Hours[^1];
        Assert.Equal(last.Entries.TakeLast(3), newest);

        var middle = index.Hours[80];
        var target = middle.Entries[1234];
        Assert.Equal(1234, middle.FindNumber(target.Number));
        Assert.Equal(-1, middle.FindNumber(target.Number + 1));
    }

    [Fact]
    public void IndexRecords_RoundTrip_ARepeatedRecordCountsOnce_AndADamagedOneIsSkippedWithoutShiftingTheRest()
    {
        var hour = new FragmentHourIndex(Week);
        var entries = Enumerable.Range(0, 4).Select(i => Entry(Week.AddSeconds(2 * i), Week.AddSeconds((2 * i) - 1), 100 + i) with { Discontinuity = i == 0, InitSegmentId = i }).ToList();
        var blob = new byte[(entries.Count + 1) * FragmentIndexCodec.RecordSize];
        for (var i = 0; i < entries.Count; i++)
        {
            FragmentIndexCodec.Write(blob.AsSpan(i * FragmentIndexCodec.RecordSize), entries[i]);
        }

        FragmentIndexCodec.Write(blob.AsSpan(entries.Count * FragmentIndexCodec.RecordSize), new WarmRange(0, 2));

        // An append retried after its response was lost repeats a record; it is read once.
        blob = [.. blob.AsSpan(0, FragmentIndexCodec.RecordSize), .. blob];
        blob[(3 * FragmentIndexCodec.RecordSize) + 20] ^= 0xFF;

        var damaged = FragmentIndexCodec.ReadInto(blob, hour);

        Assert.Equal(1, damaged);
        Assert.Equal([entries[0], entries[1], entries[3]], hour.Entries);
        Assert.Equal([new WarmRange(0, 2)], hour.Warm);
        Assert.Equal(2, hour.HotFrom);
    }

    [Fact]
    public void WarmRanges_LocateEachEntryAtTheSumOfTheSizesBeforeIt_AndIgnoreDuplicateOrOverreachingMarkers()
    {
        var hour = new FragmentHourIndex(Week);
        for (var i = 0; i < 6; i++)
        {
            hour.Add(Entry(Week.AddSeconds(2 * i), Week.AddSeconds(2 * i), 100 * (i + 1)));
        }

        Assert.True(hour.AddWarm(new WarmRange(0, 3)));
        Assert.False(hour.AddWarm(new WarmRange(0, 3)));
        Assert.False(hour.AddWarm(new WarmRange(3, 4)));
        Assert.True(hour.AddWarm(new WarmRange(3, 2)));

        Assert.Equal((new WarmRange(0, 3), 0L), hour.Locate(0));
        Assert.Equal((new WarmRange(0, 3), 300L), hour.Locate(2));
        Assert.Equal((new WarmRange(3, 2), 400L), hour.Locate(4));
        Assert.Null(hour.Locate(5).Range);
    }

    [Fact]
    public void EntriesAppendedOutOfNumberOrder_AreStillQueriedInTimeOrder_AndFoundByNumber()
    {
        // Overlapping publishers (a claim taken over from a host still writing) may interleave their appends.
        var hour = new FragmentHourIndex(Week);
        var times = new[] { 30, 10, 20, 40 }.Select(s => Week.AddSeconds(s)).ToList();
        foreach (var time in times)
        {
            hour.Add(Entry(time, time));
        }

        var index = new FragmentTimeIndex();
        var stored = index.GetOrAdd(Week);
        foreach (var entry in hour.Entries)
        {
            stored.Add(entry);
        }

        var all = index.Query(FragmentTimestampType.ServerTimestamp, Week, Week.AddHours(1), 10);
        Assert.Equal(times.Order().Select(t => t.UtcTicks), all.Select(e => e.ServerTicks));
        Assert.Equal(times.Order().TakeLast(2).Select(t => t.UtcTicks), index.Newest(2).Select(e => e.ServerTicks));
        Assert.Equal(1, hour.FindNumber(Entry(times[1], times[1]).Number));
    }

    [Fact]
    public void FragmentNumbers_FollowTheServerClock_AndNeverRepeatWithinAMillisecond()
    {
        var now = Week.AddMinutes(5);
        var a = FragmentNumbers.Next(0, now);
        var b = FragmentNumbers.Next(a, now);
        var c = FragmentNumbers.Next(b, now.AddMinutes(-1));

        Assert.True(a < b && b < c);
        Assert.Equal(now, FragmentNumbers.ServerTime(a));
        Assert.Equal(now, FragmentNumbers.ServerTime(c));
        Assert.True(FragmentNumbers.IsInitSegmentKey(FragmentNumbers.InitSegmentKey(a, 3)));
        Assert.False(FragmentNumbers.IsInitSegmentKey("../1-2"));
        Assert.False(FragmentNumbers.IsInitSegmentKey("12"));
    }
}
