using Platform.Streams.Client.Producer;

namespace Platform.Streams.Client.Tests.Producer;

public sealed class FlushTrackerTests
{
    [Fact]
    public void AFlush_WaitsForEarlierRecords_ButNotForLaterOnes()
    {
        var tracker = new FlushTracker();
        var first = tracker.Added();
        var flush = tracker.FlushAsync();
        var later = tracker.Added();

        Assert.False(flush.IsCompleted);
        tracker.Finished(first);
        Assert.True(flush.IsCompletedSuccessfully);
        Assert.False(tracker.FlushAsync().IsCompleted);
        tracker.Finished(later);
    }

    [Fact]
    public void AFlushWithNothingOutstanding_IsDoneAtOnce() => Assert.True(new FlushTracker().FlushAsync().IsCompletedSuccessfully);

    [Fact]
    public void ALaterFlush_WaitsForEveryEpochBeforeIt()
    {
        var tracker = new FlushTracker();
        var a = tracker.Added();
        var flush1 = tracker.FlushAsync();
        var b = tracker.Added();
        var flush2 = tracker.FlushAsync();

        tracker.Finished(b);
        Assert.False(flush1.IsCompleted);
        Assert.False(flush2.IsCompleted);
        tracker.Finished(a);
        Assert.True(flush1.IsCompleted);
        Assert.True(flush2.IsCompleted);
    }
}
