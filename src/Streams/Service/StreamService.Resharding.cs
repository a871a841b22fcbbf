using System.Collections.Concurrent;
using Platform.Streams.Control;
using Platform.Streams.Routing;

namespace Platform.Streams.Service;

/// <summary>One resharding step: parents to close and the ranges of the children that replace them.</summary>
internal sealed record ReshardStep(IReadOnlyList<ShardEntry> Parents, IReadOnlyList<HashKeyRange> Children);

/// <summary>
/// Resharding. A step is recorded first (children added, parents listed in <see cref="StreamDocument.Closing"/>,
/// status UPDATING); then each parent's log is closed, which fences every host's late appends; then the parents'
/// ending sequence numbers are recorded and the stream is ACTIVE again. Producers keep writing to a parent until
/// it is sealed and then move to its children, so no acknowledged record is lost, duplicated or reordered per key.
/// Any host finishes a step that a crashed host left behind.
/// </summary>
public sealed partial class StreamService
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _reshardGates = new(StringComparer.Ordinal);

    public async Task SplitShardAsync(string name, string? shardToSplit, string? newStartingHashKey, CancellationToken cancellationToken)
    {
        if (!HashKey.TryParse(newStartingHashKey, out var key, out var error))
        {
            throw KinesisErrors.InvalidArgument($"NewStartingHashKey {newStartingHashKey} is invalid. {error}");
        }

        _ = await _catalog.UpdateAsync(name, d =>
        {
            RequireActive(d);
            var shard = RequireOpenShard(d, shardToSplit);
            RequireShardRoom(d, 1);
            HashKeyRange lower, upper;
            try
            {
                (lower, upper) = shard.Range.SplitAt(key);
            }
            catch (ArgumentOutOfRangeException)
            {
                throw KinesisErrors.InvalidArgument($"NewStartingHashKey {newStartingHashKey} used in SplitShard() on shard {shard.ShardId} in stream {name} under account {Account} is not both greater than the shard's StartingHashKey {shard.StartingHashKey} and at most its EndingHashKey {shard.EndingHashKey}.");
            }

            return Apply(d, [new ReshardStep([shard], [lower, upper])]);
        }, cancellationToken) ?? throw KinesisErrors.StreamNotFound(name, Account);
        Changed(name, $"splitting {shardToSplit}");
        StartReshard(name);
    }

    public async Task MergeShardsAsync(string name, string? shardToMerge, string? adjacentShardToMerge, CancellationToken cancellationToken)
    {
        _ = await _catalog.UpdateAsync(name, d =>
        {
            RequireActive(d);
            var first = RequireOpenShard(d, shardToMerge);
            var second = RequireOpenShard(d, adjacentShardToMerge);
            if (first.ShardId == second.ShardId || !first.Range.IsAdjacentTo(second.Range))
            {
                throw KinesisErrors.InvalidArgument($"Shards {first.ShardId} and {second.ShardId} in stream {name} under account {Account} are not an adjacent pair of shards eligible for merging");
            }

            var merged = new HashKeyRange(UInt128.Min(first.Range.Start, second.Range.Start), UInt128.Max(first.Range.End, second.Range.End));
            return Apply(d, [new ReshardStep([first, second], [merged])]);
        }, cancellationToken) ?? throw KinesisErrors.StreamNotFound(name, Account);
        Changed(name, $"merging {shardToMerge} and {adjacentShardToMerge}");
        StartReshard(name);
    }

    /// <summary>UNIFORM_SCALING as Kinesis does it: a series of splits and merges, with short-lived shards in between.</summary>
    public async Task<(int Current, int Target)> UpdateShardCountAsync(string name, int target, string? scalingType, CancellationToken cancellationToken)
    {
        if (scalingType != "UNIFORM_SCALING")
        {
            throw KinesisErrors.Constraint("scalingType", scalingType ?? "null", "Member must satisfy enum value set: [UNIFORM_SCALING]");
        }

        if (target < 1)
        {
            throw KinesisErrors.Constraint("targetShardCount", target.ToString(System.Globalization.CultureInfo.InvariantCulture), "Member must have value greater than or equal to 1");
        }

        var current = 0;
        _ = await _catalog.UpdateAsync(name, d =>
        {
            RequireActive(d);
            current = d.OpenShards.Count();
            if (target > current * 2 || target * 2 < current)
            {
                throw new KinesisException(KinesisErrors.LimitExceeded, $"UpdateShardCount can scale stream {name} to between {(current + 1) / 2} and {current * 2} shards (it has {current}), not {target}.");
            }

            if (target > _options.MaxShardsPerStream)
            {
                throw new KinesisException(KinesisErrors.LimitExceeded, $"A stream has at most {_options.MaxShardsPerStream} shards; {target} were requested.");
            }

            return d with { ScalingTarget = target, Status = StreamStatus.Updating, StatusSince = _time.GetUtcNow() };
        }, cancellationToken) ?? throw KinesisErrors.StreamNotFound(name, Account);
        Changed(name, $"scaling from {current} to {target} shards");
        StartReshard(name);
        return (current, target);
    }

    private ShardEntry RequireOpenShard(StreamDocument document, string? shardId)
    {
        var shard = RequireShard(document, shardId);
        if (shard.IsClosed || document.Closing.Contains(shard.ShardId))
        {
            throw new KinesisException(KinesisErrors.ResourceInUse, $"Shard {shard.ShardId} in stream {document.Name} under account {Account} has already been merged or split, and thus is not eligible for merging or splitting.");
        }

        return shard;
    }

    private void RequireShardRoom(StreamDocument document, int more)
    {
        if (document.OpenShards.Count() + more > _options.MaxShardsPerStream)
        {
            throw new KinesisException(KinesisErrors.LimitExceeded, $"This request would exceed the shard limit of {_options.MaxShardsPerStream} for stream {document.Name} under account {Account}.");
        }
    }

    private StreamDocument Apply(StreamDocument document, IReadOnlyList<ReshardStep> steps)
    {
        var now = _time.GetUtcNow();
        var shards = document.Shards.ToList();
        var next = document.NextShardIndex;
        foreach (var step in steps)
        {
            foreach (var range in step.Children)
            {
                shards.Add(ShardEntry.Create(next++, range, now, step.Parents[0].ShardId, step.Parents.Count > 1 ? step.Parents[1].ShardId : null));
            }
        }

        return document with
        {
            Shards = shards,
            NextShardIndex = next,
            Closing = [.. steps.SelectMany(s => s.Parents).Select(p => p.ShardId)],
            Status = StreamStatus.Updating,
            StatusSince = now,
        };
    }

    private void StartReshard(string name) =>
        RunInBackground($"reshard:{name}:{Guid.NewGuid():N}", ct => ContinueReshardAsync(name, ct));

    /// <summary>Drives an UPDATING stream to ACTIVE: closes listed parents, then plans and applies scaling steps.</summary>
    internal async Task ContinueReshardAsync(string name, CancellationToken cancellationToken)
    {
        var gate = _reshardGates.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            while (true)
            {
                var document = await _catalog.GetAsync(name, fresh: true, cancellationToken);
                if (document is null || document.Status != StreamStatus.Updating)
                {
                    return;
                }

                if (document.Closing.Count > 0)
                {
                    await CloseParentsAsync(document, cancellationToken);
                    continue;
                }

                var incarnation = document.Incarnation;
                _ = await _catalog.UpdateAsync(name, d =>
                {
                    if (d.Incarnation != incarnation || d.Status != StreamStatus.Updating || d.Closing.Count > 0)
                    {
                        return null;
                    }

                    var steps = d.ScalingTarget is int target ? PlanScalingStep(d, target) : [];
                    return steps.Count > 0
                        ? Apply(d, steps)
                        : d with { ScalingTarget = null, Status = StreamStatus.Active, StatusSince = _time.GetUtcNow() };
                }, cancellationToken);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task CloseParentsAsync(StreamDocument document, CancellationToken cancellationToken)
    {
        var endings = new Dictionary<string, string>(StringComparer.Ordinal);
        var closed = new List<ShardHandle>();
        foreach (var parentId in document.Closing)
        {
            var handle = await GetShardAsync(document, parentId, cancellationToken);
            closed.Add(handle);
            var end = await handle.Log.CloseAsync(cancellationToken);
            _knownClosed[(document.Incarnation, ShardId.Parse(parentId).Index)] = true;
            endings[parentId] = end.ToString();
        }

        var now = _time.GetUtcNow();
        var incarnation = document.Incarnation;
        _ = await _catalog.UpdateAsync(document.Name, d =>
        {
            if (d.Incarnation != incarnation)
            {
                return null;
            }

            var closing = d.Closing.Where(id => !endings.ContainsKey(id)).ToList();
            return d with
            {
                Shards = [.. d.Shards.Select(s => s.EndingSequenceNumber is null && endings.TryGetValue(s.ShardId, out var end) ? s with { EndingSequenceNumber = end, ClosedAt = now } : s)],
                Closing = closing,
                Status = closing.Count == 0 && d.ScalingTarget is null ? StreamStatus.Active : d.Status,
                StatusSince = now,
            };
        }, cancellationToken);
        Changed(document.Name, $"closed {string.Join(", ", endings.Keys)}");
        foreach (var handle in closed)
        {
            handle.Writer.WakeReaders();
        }
    }

    /// <summary>
    /// The next round towards <paramref name="target"/> evenly sized shards: first split every open shard that a
    /// target boundary crosses (at that boundary), then merge neighbouring shards that lie in the same target range.
    /// Each step has at most two parents, so lineage stays what Kinesis clients expect. Empty when done.
    /// </summary>
    internal static List<ReshardStep> PlanScalingStep(StreamDocument document, int target)
    {
        var targets = HashKeyRange.SplitEvenly(target);
        var open = document.OpenShards.OrderBy(s => s.Range.Start).ToList();
        var steps = new List<ReshardStep>();
        foreach (var shard in open)
        {
            var range = shard.Range;
            var cut = targets.Skip(1).Select(t => t.Start).FirstOrDefault(b => b > range.Start && b <= range.End);
            if (cut != UInt128.Zero)
            {
                var (lower, upper) = range.SplitAt(cut);
                steps.Add(new ReshardStep([shard], [lower, upper]));
            }
        }

        if (steps.Count > 0)
        {
            return steps;
        }

        int TargetOf(UInt128 key) => targets.ToList().FindIndex(t => t.Contains(key));
        for (var i = 0; i + 1 < open.Count; i++)
        {
            if (TargetOf(open[i].Range.Start) == TargetOf(open[i + 1].Range.Start))
            {
                steps.Add(new ReshardStep([open[i], open[i + 1]], [new HashKeyRange(open[i].Range.Start, open[i + 1].Range.End)]));
                i++;
            }
        }

        return steps;
    }
}
