using Platform.Streams.Client.Model;

namespace Platform.Streams.Client.Consumer;

/// <summary>
/// The shards a consumer knows, their parents, and which may be read now: a shard is read only after
/// every parent it names has been read to its end, so the records of a partition key come out in order
/// across splits and merges. A parent the stream no longer lists (past retention) counts as read.
/// Pure logic, owned by one consumer session (not thread-safe).
/// </summary>
internal sealed class ShardLineage(StartPosition startPosition)
{
    private readonly Dictionary<string, Entry> _shards = new(StringComparer.Ordinal);

    public enum State
    {
        Waiting,
        Reading,
        Finished,
    }

    public int Count => _shards.Count;

    /// <summary>
    /// Adds shards from ListShards. Those present at start (<paramref name="atStart"/>) begin at the
    /// configured position, and at <see cref="StartPosition.Latest"/> closed ones are skipped: they
    /// can get no new records. Shards found later begin at their start, as they are new.
    /// </summary>
    public void AddListed(IEnumerable<Shard> shards, bool atStart)
    {
        foreach (var shard in shards)
        {
            if (_shards.ContainsKey(shard.ShardId))
            {
                continue;
            }

            var parents = new[] { shard.ParentShardId, shard.AdjacentParentShardId }.OfType<string>().ToArray();
            var skip = atStart && startPosition == StartPosition.Latest && shard.IsClosed;
            var start = atStart ? startPosition : StartPosition.TrimHorizon;
            _shards.Add(shard.ShardId, new Entry(shard.ShardId, parents, start) { State = skip ? State.Finished : State.Waiting });
        }
    }

    /// <summary>Adds the children a finished shard's last GetRecords named; they begin at their start.</summary>
    public void AddChildren(IEnumerable<ChildShard> children)
    {
        foreach (var child in children)
        {
            _shards.TryAdd(child.ShardId, new Entry(child.ShardId, [.. child.ParentShards], StartPosition.TrimHorizon));
        }
    }

    /// <summary>Shards waiting whose parents are all read; each is marked as reading.</summary>
    public List<(string ShardId, StartPosition Start)> StartReady()
    {
        var ready = new List<(string, StartPosition)>();
        foreach (var entry in _shards.Values.OrderBy(static e => e.ShardId, StringComparer.Ordinal))
        {
            if (entry.State == State.Waiting && entry.Parents.All(p => !_shards.TryGetValue(p, out var parent) || parent.State == State.Finished))
            {
                entry.State = State.Reading;
                ready.Add((entry.ShardId, entry.Start));
            }
        }

        return ready;
    }

    public void Finished(string shardId) => _shards[shardId].State = State.Finished;

    public State StateOf(string shardId) => _shards[shardId].State;

    private sealed class Entry(string shardId, string[] parents, StartPosition start)
    {
        public string ShardId { get; } = shardId;

        public string[] Parents { get; } = parents;

        public StartPosition Start { get; } = start;

        public State State { get; set; }
    }
}
