using Platform.Streams.Control;
using Platform.Streams.Routing;

namespace Platform.Streams.Service;

/// <summary>
/// Work every host does now and then: delete data past the retention period (whole segments, from storage),
/// forget closed shards once all their data has expired, and finish what a crashed host left half done.
/// </summary>
public sealed partial class StreamService
{
    /// <summary>One maintenance pass over every stream.</summary>
    public async Task RunMaintenanceAsync(CancellationToken cancellationToken)
    {
        foreach (var name in await _catalog.ListNamesAsync(cancellationToken))
        {
            var document = await _catalog.GetAsync(name, fresh: true, cancellationToken);
            if (document is null)
            {
                continue;
            }

            var stale = _time.GetUtcNow() - document.StatusSince > AbandonedAfter;
            switch (document.Status)
            {
                case StreamStatus.Creating when stale:
                    await FinishCreateAsync(document, cancellationToken);
                    break;
                case StreamStatus.Deleting when stale:
                    await FinishDeleteAsync(document, cancellationToken);
                    continue;
                case StreamStatus.Deleting:
                    continue;
                case StreamStatus.Updating when stale:
                    await ContinueReshardAsync(name, cancellationToken);
                    break;
            }

            await TrimAsync(document, cancellationToken);
        }
    }

    /// <summary>Deletes every segment whose last write is older than the retention period.</summary>
    internal async Task TrimAsync(StreamDocument document, CancellationToken cancellationToken)
    {
        var cutoff = _time.GetUtcNow() - TimeSpan.FromHours(document.RetentionHours);
        var forgotten = new List<string>();
        foreach (var shard in document.Shards)
        {
            var handle = await GetShardAsync(document, shard.ShardId, cancellationToken);
            var segments = await handle.Log.ListSegmentsAsync(cancellationToken);
            var left = segments.Count;
            foreach (var segment in segments)
            {
                var isLast = segment.Segment == segments[^1].Segment;
                if (segment.LastModified >= cutoff || (isLast && (segment.Length == 0 || shard.IsClosed)))
                {
                    break;
                }

                await handle.Log.DeleteSegmentAsync(segment.Segment, cancellationToken);
                left--;
                StreamLog.SegmentExpired(_logger, document.Name, shard.ShardId, segment.Segment);
            }

            if (shard.IsClosed && shard.ClosedAt < cutoff && left <= 1)
            {
                await handle.Log.DeleteAllAsync(cancellationToken);
                forgotten.Add(shard.ShardId);
            }
        }

        if (forgotten.Count > 0)
        {
            var incarnation = document.Incarnation;
            _ = await _catalog.UpdateAsync(document.Name, d => d.Incarnation != incarnation ? null : d with { Shards = [.. d.Shards.Where(s => !forgotten.Contains(s.ShardId))] }, cancellationToken);
            foreach (var shardId in forgotten)
            {
                var key = (incarnation, ShardId.Parse(shardId).Index);
                if (_shards.TryRemove(key, out var lazy) && lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
                {
                    await (await lazy.Value).DisposeAsync();
                }
            }

            Changed(document.Name, $"forgot closed shard(s) past retention: {string.Join(", ", forgotten)}");
        }
    }
}
