namespace Platform.Triggers.Leases;

/// <summary>
/// This host's hold on one shard lease: serialises its writes (checkpoints from the processor, release from the
/// coordinator) and follows the ETag. A write that finds another owner reports the lease lost.
/// </summary>
public sealed class LeaseHandle(ILeaseStore store, string function, string stream, string incarnation, string hostId, LeaseRecord current) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public LeaseRecord Current { get; private set; } = current;

    public string ShardId => Current.State.ShardId;

    /// <summary>Writes the position (and optionally finished / released); false when another host owns the lease now.</summary>
    public async Task<bool> SaveAsync(ShardPosition? position, bool finished, bool release, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 0; attempt < 5; attempt++)
            {
                var state = Current.State with
                {
                    Checkpoint = position ?? Current.State.Checkpoint,
                    Finished = finished || Current.State.Finished,
                    Owner = release ? null : hostId,
                    ReleaseRequestedBy = release ? null : Current.State.ReleaseRequestedBy,
                };
                if (state == Current.State && !release)
                {
                    return true;
                }

                var written = await store.TryWriteAsync(function, stream, incarnation, state, Current, cancellationToken);
                if (written is not null)
                {
                    Current = written;
                    return true;
                }

                var latest = await store.ReadAsync(function, stream, incarnation, ShardId, cancellationToken);
                if (latest is null || latest.State.Owner != hostId)
                {
                    return false;
                }

                // Still ours; someone only asked for it. Keep their request and our progress.
                Current = latest with { State = latest.State with { Checkpoint = Current.State.Checkpoint ?? latest.State.Checkpoint } };
            }

            return false;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
