namespace Platform.Triggers.Leases;

/// <summary>What a host should do with a function's shard leases this round.</summary>
/// <param name="Claim">Shards to take: unowned, or owned by a host that stopped heartbeating.</param>
/// <param name="RequestRelease">A shard to ask a busier host to hand over, or null.</param>
public sealed record LeasePlan(IReadOnlyList<string> Claim, string? RequestRelease);

/// <summary>
/// Balances shards across live hosts, free of I/O: each host aims for its fair share (shards ÷ hosts, rounded up),
/// claims free and orphaned shards first, and when still short asks the busiest host to release one, which that
/// host does after finishing its in-flight batch (so a shard never runs on two hosts at once).
/// </summary>
public static class LeaseBalancer
{
    /// <param name="me">This host.</param>
    /// <param name="liveHosts">Hosts heartbeating within the failover time (this host included).</param>
    /// <param name="eligible">Shards ready to process: not finished, parents finished.</param>
    /// <param name="leases">Current lease states by shard (missing = never claimed).</param>
    public static LeasePlan Plan(string me, IReadOnlyCollection<string> liveHosts, IReadOnlyList<string> eligible, IReadOnlyDictionary<string, LeaseState> leases)
    {
        var hosts = liveHosts.Contains(me) ? liveHosts.Count : liveHosts.Count + 1;
        var fairShare = (eligible.Count + hosts - 1) / hosts;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var free = new List<string>();
        foreach (var shard in eligible)
        {
            var owner = leases.TryGetValue(shard, out var lease) ? lease.Owner : null;
            if (owner is not null && (owner == me || liveHosts.Contains(owner)))
            {
                counts[owner] = counts.GetValueOrDefault(owner) + 1;
            }
            else
            {
                free.Add(shard);
            }
        }

        var mine = counts.GetValueOrDefault(me);
        var claim = free.Take(Math.Max(0, fairShare - mine)).ToList();
        mine += claim.Count;

        string? release = null;
        var floorShare = eligible.Count / hosts;
        if (mine < floorShare && free.Count == claim.Count)
        {
            var busiest = counts.Where(c => c.Key != me).OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).FirstOrDefault();
            if (busiest.Key is not null && busiest.Value > fairShare - (eligible.Count % hosts == 0 ? 0 : 1) && busiest.Value > mine + 1)
            {
                var pendingAlready = eligible.Any(s => leases.TryGetValue(s, out var l) && l.ReleaseRequestedBy == me && l.Owner is not null && l.Owner != me);
                if (!pendingAlready)
                {
                    release = eligible.FirstOrDefault(s => leases.TryGetValue(s, out var l) && l.Owner == busiest.Key && l.ReleaseRequestedBy is null);
                }
            }
        }

        return new LeasePlan(claim, release);
    }

    /// <summary>
    /// When the first shard another live host holds becomes claimable should that host stop heartbeating (its last
    /// heartbeat plus the failover time); null when other hosts hold no unfinished shard.
    /// </summary>
    /// <param name="me">This host.</param>
    /// <param name="liveHosts">Hosts heartbeating within the failover time, with their last heartbeat.</param>
    /// <param name="leases">Current lease states.</param>
    /// <param name="failover">How long a host may go without a heartbeat before its shards may be taken.</param>
    public static DateTimeOffset? NextOrphaning(string me, IReadOnlyDictionary<string, DateTimeOffset> liveHosts, IEnumerable<LeaseState> leases, TimeSpan failover)
    {
        DateTimeOffset? earliest = null;
        foreach (var lease in leases)
        {
            if (!lease.Finished && lease.Owner is { } owner && owner != me && liveHosts.TryGetValue(owner, out var beat) && (earliest is null || beat + failover < earliest))
            {
                earliest = beat + failover;
            }
        }

        return earliest;
    }
}
