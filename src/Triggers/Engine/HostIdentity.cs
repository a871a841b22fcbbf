namespace Platform.Triggers.Engine;

/// <summary>This host's id in leases and when it last proved it is alive (a successful heartbeat write).</summary>
public sealed class HostIdentity(TimeProvider time)
{
    private long _lastHeartbeat = long.MinValue;

    public string Id { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}".ToLowerInvariant();

    /// <summary>The heartbeat stamped <paramref name="at"/> (the time written into it) is stored.</summary>
    public void HeartbeatSucceeded(DateTimeOffset at) => Interlocked.Exchange(ref _lastHeartbeat, at.UtcTicks);

    /// <summary>True when the last successful heartbeat is younger than <paramref name="within"/>: only then may this host
    /// start invocations on its shards, because after the failover time others may take them over.</summary>
    public bool HeartbeatFresh(TimeSpan within)
    {
        var last = Interlocked.Read(ref _lastHeartbeat);
        return last != long.MinValue && time.GetUtcNow().UtcTicks - last < within.Ticks;
    }
}
