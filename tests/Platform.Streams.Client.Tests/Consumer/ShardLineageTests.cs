using Platform.Streams.Client.Consumer;
using Platform.Streams.Client.Model;

namespace Platform.Streams.Client.Tests.Consumer;

public sealed class ShardLineageTests
{
    [Fact]
    public void Children_StartOnlyOnceEveryParentIsFinished()
    {
        var lineage = new ShardLineage(StartPosition.TrimHorizon);
        lineage.AddListed([Shard("a", closed: true), Shard("b", closed: true), Shard("c", parent: "a", adjacent: "b")], atStart: true);

        Assert.Equal(["a", "b"], lineage.StartReady().Select(s => s.ShardId));
        lineage.Finished("a");
        Assert.Empty(lineage.StartReady());
        lineage.Finished("b");
        Assert.Equal([("c", StartPosition.TrimHorizon)], lineage.StartReady());
    }

    [Fact]
    public void AParentNoLongerListed_CountsAsRead()
    {
        var lineage = new ShardLineage(StartPosition.TrimHorizon);
        lineage.AddListed([Shard("child", parent: "expired")], atStart: true);

        Assert.Equal(["child"], lineage.StartReady().Select(s => s.ShardId));
    }

    [Fact]
    public void AtLatest_ClosedShardsAreSkipped_AndShardsFoundLaterStartAtTheirBeginning()
    {
        var lineage = new ShardLineage(StartPosition.Latest);
        lineage.AddListed([Shard("old", closed: true), Shard("open", parent: "old")], atStart: true);

        Assert.Equal([("open", StartPosition.Latest)], lineage.StartReady());
        Assert.Equal(ShardLineage.State.Finished, lineage.StateOf("old"));

        lineage.Finished("open");
        lineage.AddChildren([new ChildShard { ShardId = "new", ParentShards = ["open"], HashKeyRange = Range() }]);
        Assert.Equal([("new", StartPosition.TrimHorizon)], lineage.StartReady());
    }

    [Fact]
    public void ShardsAlreadyKnown_AreNotAddedTwice()
    {
        var lineage = new ShardLineage(StartPosition.TrimHorizon);
        lineage.AddListed([Shard("a")], atStart: true);
        Assert.Single(lineage.StartReady());

        lineage.AddListed([Shard("a")], atStart: false);
        Assert.Empty(lineage.StartReady());
        Assert.Equal(1, lineage.Count);
    }

    private static Shard Shard(string id, string? parent = null, string? adjacent = null, bool closed = false) => new()
    {
        ShardId = id,
        ParentShardId = parent,
        AdjacentParentShardId = adjacent,
        HashKeyRange = Range(),
        SequenceNumberRange = new SequenceNumberRange { StartingSequenceNumber = "1", EndingSequenceNumber = closed ? "9" : null },
    };

    private static HashKeyRange Range() => new() { StartingHashKey = "0", EndingHashKey = "340282366920938463463374607431768211455" };
}
