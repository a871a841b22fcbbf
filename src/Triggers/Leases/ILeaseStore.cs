namespace Platform.Triggers.Leases;

/// <summary>
/// Shard leases and host heartbeats in blob storage. Every change is a compare-and-swap on the blob's ETag: losing a
/// race is a normal outcome (null), never an exception.
/// </summary>
public interface ILeaseStore
{
    /// <summary>Every lease of a function on one incarnation of a stream (one list call; owners come from metadata).</summary>
    Task<IReadOnlyList<LeaseRecord>> ListAsync(string function, string stream, string incarnation, CancellationToken cancellationToken);

    /// <summary>Reads one lease with its checkpoint; null when it was never created.</summary>
    Task<LeaseRecord?> ReadAsync(string function, string stream, string incarnation, string shardId, CancellationToken cancellationToken);

    /// <summary>Creates (when <paramref name="expected"/> is null) or replaces a lease if unchanged since read; null when someone else changed it first.</summary>
    Task<LeaseRecord?> TryWriteAsync(string function, string stream, string incarnation, LeaseState state, LeaseRecord? expected, CancellationToken cancellationToken);

    /// <summary>Records that <paramref name="hostId"/> was alive at <paramref name="at"/> (taken before the write, so the
    /// host's own view of its freshness is never later than what other hosts read).</summary>
    Task HeartbeatAsync(string hostId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The hosts whose last heartbeat is newer than <paramref name="since"/>, with that heartbeat's time.</summary>
    Task<IReadOnlyDictionary<string, DateTimeOffset>> LiveHostsAsync(DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Removes a stopping host's heartbeat so others rebalance at once.</summary>
    Task RemoveHostAsync(string hostId, CancellationToken cancellationToken);
}
