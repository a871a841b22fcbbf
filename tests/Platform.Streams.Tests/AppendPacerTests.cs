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
    public void WithTheDefaultPacing_ASteadyHundredPutsASecond_StopsWaitingSoonAfterABurst()
    {
        // A producer on a 10 ms schedule that fell 200 ms behind (a slow start) catches up back to back, then keeps to
        // its schedule, one put at a time. With the cap exactly at its rate the credit the catch-up spent never came
        // back, and every later put waited; the default cap leaves room to pay it back.
        // The host's default (Platform:Streams:MinAppendIntervalMs) and the writer's own.
        var hostDefault = TimeSpan.FromMilliseconds(new Platform.Streams.Service.StreamsOptions().MinAppendIntervalMs);
        Assert.Equal(new ShardWriterOptions().MinAppendInterval, hostDefault);
        var pacer = new AppendPacer(hostDefault, new ShardWriterOptions().AppendBurst);
        var now = TimeSpan.FromMilliseconds(200);
        var waits = new List<TimeSpan>();
        for (var i = 0; i < 500; i++)
        {
            var due = TimeSpan.FromMilliseconds(i * 10);
            now = now > due ? now : due;
            var wait = pacer.Reserve(now);
            waits.Add(wait);
            now += wait + TimeSpan.FromMilliseconds(1); // the append and the answer; the next put is sent after it
        }

        // The catch-up is paced, and the lag is paid back at the cap's room above 100 a second (1 ms a put at 9 ms).
        Assert.Contains(waits.Take(50), w => w > TimeSpan.Zero);
        Assert.All(waits.Skip(250), w => Assert.Equal(TimeSpan.Zero, w));
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
