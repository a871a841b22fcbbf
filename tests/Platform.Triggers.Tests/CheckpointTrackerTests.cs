using Platform.Triggers.Engine;
using Platform.Triggers.Leases;

namespace Platform.Triggers.Tests;

public sealed class CheckpointTrackerTests
{
    [Fact]
    public void BeforeAnythingIsRead_TheStartPositionIsKept()
    {
        var tracker = new CheckpointTracker(2, ShardPosition.After("100"));

        Assert.Equal(ShardPosition.After("100"), tracker.SafePosition);
    }

    [Fact]
    public void WithAnUnfinishedRecordInOneLane_TheCheckpointStopsAtIt_EvenIfLaterLanesFinished()
    {
        var tracker = new CheckpointTracker(2, null);
        tracker.Dispatched(0, "101");
        tracker.Dispatched(1, "102");
        tracker.Dispatched(0, "103");
        tracker.Completed(1, 1);
        tracker.Completed(0, 1);

        Assert.Equal(ShardPosition.At("103"), tracker.SafePosition);

        tracker.Completed(0, 1);
        Assert.Equal(ShardPosition.After("103"), tracker.SafePosition);
        Assert.True(tracker.Idle);
    }

    [Fact]
    public void ChunksHandedToLanesOutOfShardOrder_StillResumeAfterTheHighestRecordOnceAllAreDone()
    {
        var tracker = new CheckpointTracker(2, null);
        var records = TestRecords.Make(4);
        tracker.Dispatched(1, [records[1], records[3]]);
        tracker.Dispatched(0, [records[0], records[2]]);
        tracker.Completed(0, 2);
        tracker.Completed(1, 2);

        Assert.Equal(ShardPosition.After(records[3].SequenceNumber), tracker.SafePosition);
    }

    [Fact]
    public void SequenceNumbers_CompareByValueNotByText()
    {
        Assert.True(CheckpointTracker.Compare("99", "100") < 0);
        Assert.True(CheckpointTracker.Compare("100", "101") < 0);
    }
}
