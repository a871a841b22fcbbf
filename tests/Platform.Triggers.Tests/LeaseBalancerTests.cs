using Platform.Triggers.Leases;

namespace Platform.Triggers.Tests;

public sealed class LeaseBalancerTests
{
    private static readonly string[] Shards = ["s0", "s1", "s2", "s3"];

    private static Dictionary<string, LeaseState> Owned(params (string Shard, string Owner)[] owners) =>
        owners.ToDictionary(o => o.Shard, o => new LeaseState { ShardId = o.Shard, Owner = o.Owner });

    [Fact]
    public void ALoneHost_ClaimsEveryShard()
    {
        var plan = LeaseBalancer.Plan("a", ["a"], Shards, Owned());

        Assert.Equal(Shards, plan.Claim);
        Assert.Null(plan.RequestRelease);
    }

    [Fact]
    public void ASecondHost_ClaimsOnlyItsFairShareOfFreeShards()
    {
        var plan = LeaseBalancer.Plan("b", ["a", "b"], Shards, Owned(("s0", "a")));

        Assert.Equal(2, plan.Claim.Count);
        Assert.DoesNotContain("s0", plan.Claim);
    }

    [Fact]
    public void ShardsOfAHostThatStoppedHeartbeating_AreFreeToClaim()
    {
        var plan = LeaseBalancer.Plan("b", ["b"], Shards, Owned(("s0", "dead"), ("s1", "dead"), ("s2", "b"), ("s3", "b")));

        Assert.Equal(["s0", "s1"], plan.Claim);
    }

    [Fact]
    public void AHostWithoutShards_AsksTheBusiestHostToReleaseOne_InsteadOfTakingIt()
    {
        var plan = LeaseBalancer.Plan("b", ["a", "b"], Shards, Owned(("s0", "a"), ("s1", "a"), ("s2", "a"), ("s3", "a")));

        Assert.Empty(plan.Claim);
        Assert.NotNull(plan.RequestRelease);
    }

    [Fact]
    public void ABalancedAssignment_IsLeftAlone()
    {
        var plan = LeaseBalancer.Plan("b", ["a", "b"], Shards, Owned(("s0", "a"), ("s1", "a"), ("s2", "b"), ("s3", "b")));

        Assert.Empty(plan.Claim);
        Assert.Null(plan.RequestRelease);
    }

    [Fact]
    public void AnUnevenSplitOfThreeShardsOverTwoHosts_DoesNotThrash()
    {
        string[] three = ["s0", "s1", "s2"];

        var plan = LeaseBalancer.Plan("b", ["a", "b"], three, Owned(("s0", "a"), ("s1", "a"), ("s2", "b")));

        Assert.Empty(plan.Claim);
        Assert.Null(plan.RequestRelease);
    }
}
