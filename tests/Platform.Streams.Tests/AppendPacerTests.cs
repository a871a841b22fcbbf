using Platform.Streams.Log;

namespace Platform.Streams.Tests;

public sealed class AppendPacerTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);

    [Fact]
    public void AnIdleWriter_AppendsAtOnce_UpToTheBurst_ThenOnePerInterval()
    {
        var pacer = new AppendPacer(Interval, burst: 4);
        var now = TimeSpan.FromSeconds(5);
        var waits = Enumerable.Range(0, 6).Select(_ => pacer.Reserve(now)).ToList();

        Assert.Equal([TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero], waits.Take(4));
        Assert.Equal(TimeSpan.FromMilliseconds(10), waits[4]);
        Assert.Equal(TimeSpan.FromMilliseconds(20), waits[5]);
    }

    [Fact]
    public void AProducerAtTheCap_WithTimerOvershoot_IsNeverDelayed()
    {
        // Puts every 10 ms, each append starting 1.5 ms late (a timer overshoot): the old spacing from the previous
        // start fell further behind each time; the bucket's credit absorbs it.
        var pacer = new AppendPacer(Interval, burst: 4);
        for (var i = 0; i < 1000; i++)
        {
            var arrival = TimeSpan.FromMilliseconds((i * 10) + (i % 2 == 0 ? 1.5 : 0));
            Assert.Equal(TimeSpan.Zero, pacer.Reserve(arrival));
        }
    }

    [Fact]
    public void UnderFullLoad_AppendsInAnySecond_StayWithinTheBurstOfTheCap()
    {
        var pacer = new AppendPacer(Interval, burst: 4);
        var starts = new List<TimeSpan>();
        var now = TimeSpan.Zero;
        while (now < TimeSpan.FromSeconds(10))
        {
            // A writer that always has puts waiting: it starts the next append as soon as the pacer allows.
            now += pacer.Reserve(now);
            starts.Add(now);
        }

        for (var i = 0; i < starts.Count; i++)
        {
            var inOneSecond = starts.Skip(i).TakeWhile(s => s < starts[i] + TimeSpan.FromSeconds(1)).Count();
            Assert.InRange(inOneSecond, 1, 100 + 4);
        }

        Assert.InRange(starts.Count, 1000, 1004);
    }

    [Fact]
    public void ABurstOfOne_SpacesEveryAppendByTheInterval()
    {
        var pacer = new AppendPacer(Interval, burst: 1);
        Assert.Equal(TimeSpan.Zero, pacer.Reserve(TimeSpan.FromMilliseconds(100)));
        Assert.Equal(TimeSpan.FromMilliseconds(6), pacer.Reserve(TimeSpan.FromMilliseconds(104)));
        Assert.Equal(TimeSpan.Zero, pacer.Reserve(TimeSpan.FromMilliseconds(130)));
    }

    [Fact]
    public void AZeroInterval_NeverWaits()
    {
        var pacer = new AppendPacer(TimeSpan.Zero, burst: 1);
        Assert.All(Enumerable.Range(0, 100), _ => Assert.Equal(TimeSpan.Zero, pacer.Reserve(TimeSpan.FromMilliseconds(1))));
    }
}
