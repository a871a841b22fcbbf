using Platform.Triggers.Hosting;
using Platform.Triggers.Leases;

namespace Platform.Triggers.Tests;

/// <summary>When a host looks for a crashed peer's shards: just after they become claimable, not a round later.</summary>
public sealed class FailoverTimingTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Failover = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Round = TimeSpan.FromSeconds(10.0 / 3);

    private static LeaseState Lease(string shard, string? owner, bool finished = false) => new() { ShardId = shard, Owner = owner, Finished = finished };

    [Fact]
    public void TheNextOrphaning_IsTheEarliestLiveOtherHostsHeartbeatPlusTheFailoverTime()
    {
        var live = new Dictionary<string, DateTimeOffset> { ["me"] = Now, ["b"] = Now.AddSeconds(-1), ["c"] = Now.AddSeconds(-7) };

        var at = LeaseBalancer.NextOrphaning("me", live, [Lease("s0", "me"), Lease("s1", "b"), Lease("s2", "c")], Failover);

        Assert.Equal(Now.AddSeconds(3), at);
    }

    [Fact]
    public void ShardsOfThisHost_FinishedShards_FreeShards_AndShardsOfHostsNotLive_AreNotWaitedFor()
    {
        var live = new Dictionary<string, DateTimeOffset> { ["me"] = Now.AddSeconds(-9), ["b"] = Now.AddSeconds(-8) };

        var at = LeaseBalancer.NextOrphaning("me", live, [Lease("s0", "me"), Lease("s1", "b", finished: true), Lease("s2", null), Lease("s3", "gone")], Failover);

        Assert.Null(at);
    }

    [Fact]
    public void APeerWhoseShardsBecomeClaimableBeforeTheNextRound_BringsTheRoundForward_ToJustAfterThen()
    {
        var wait = StreamTriggerHost.UntilNextRound(Round, Now.AddSeconds(1), Now);

        Assert.InRange(wait, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.1));
    }

    [Fact]
    public void AHealthyPeer_OrNone_LeavesTheRoundInterval_AndATimeAlreadyPastDoesNotSpin()
    {
        Assert.Equal(Round, StreamTriggerHost.UntilNextRound(Round, Now + Failover * 0.8, Now));
        Assert.Equal(Round, StreamTriggerHost.UntilNextRound(Round, null, Now));

        var past = StreamTriggerHost.UntilNextRound(Round, Now.AddSeconds(-5), Now);
        Assert.InRange(past, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(100));
    }
}
