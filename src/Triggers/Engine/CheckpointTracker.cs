using Platform.Triggers.Leases;

namespace Platform.Triggers.Engine;

/// <summary>
/// Finds the position a shard may be checkpointed at when its records are processed in several lanes at once
/// (ParallelizationFactor): every record before it has been delivered or given up on. Free of I/O; thread-safe.
/// Chunks are tracked as ranges, not record by record, and a sequence number is only read (and so formatted) when a
/// position is asked for.
/// </summary>
public sealed class CheckpointTracker
{
    private readonly Queue<Pending>[] _pending;
    private readonly Lock _gate = new();
    private string? _lastDispatched;

    public CheckpointTracker(int lanes, ShardPosition? start)
    {
        _pending = new Queue<Pending>[lanes];
        for (var i = 0; i < lanes; i++)
        {
            _pending[i] = new Queue<Pending>();
        }

        Start = start;
    }

    /// <summary>The position processing started from; returned until anything is dispatched.</summary>
    public ShardPosition? Start { get; }

    /// <summary>Records handed to a lane, in shard order.</summary>
    public void Dispatched(int lane, string sequenceNumber)
    {
        lock (_gate)
        {
            _pending[lane].Enqueue(new Pending(null, sequenceNumber, 1));
            _lastDispatched = sequenceNumber;
        }
    }

    /// <summary>A chunk of records handed to a lane, in shard order (one lock for the chunk).</summary>
    public void Dispatched(int lane, IReadOnlyList<StreamRecord> records)
    {
        if (records.Count == 0)
        {
            return;
        }

        // Lanes get their chunks of one read in lane order, not shard order: keep the highest.
        var last = records[^1].SequenceNumber;
        lock (_gate)
        {
            _pending[lane].Enqueue(new Pending(records, null, records.Count));
            if (_lastDispatched is null || Compare(last, _lastDispatched) > 0)
            {
                _lastDispatched = last;
            }
        }
    }

    /// <summary>A lane finished its oldest <paramref name="count"/> records.</summary>
    public void Completed(int lane, int count)
    {
        lock (_gate)
        {
            var queue = _pending[lane];
            while (count > 0 && queue.TryPeek(out var head))
            {
                var taken = Math.Min(count, head.Remaining);
                head.Next += taken;
                count -= taken;
                if (head.Remaining == 0)
                {
                    queue.Dequeue();
                }
            }
        }
    }

    /// <summary>Where to resume so nothing unfinished is skipped: at the oldest unfinished record, else after the last one read.</summary>
    public ShardPosition? SafePosition
    {
        get
        {
            lock (_gate)
            {
                string? oldest = null;
                foreach (var queue in _pending)
                {
                    if (queue.TryPeek(out var head) && head.Current is var current && (oldest is null || Compare(current, oldest) < 0))
                    {
                        oldest = current;
                    }
                }

                return oldest is not null ? ShardPosition.At(oldest)
                    : _lastDispatched is not null ? ShardPosition.After(_lastDispatched)
                    : Start;
            }
        }
    }

    /// <summary>True when every dispatched record is finished.</summary>
    public bool Idle
    {
        get
        {
            lock (_gate)
            {
                foreach (var queue in _pending)
                {
                    if (queue.Count > 0)
                    {
                        return false;
                    }
                }

                return true;
            }
        }
    }

    /// <summary>Sequence numbers are decimal strings of equal length within a shard; longer means later.</summary>
    internal static int Compare(string a, string b) => a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);

    /// <summary>A dispatched chunk (or one sequence number) and how much of it is finished.</summary>
    private sealed class Pending(IReadOnlyList<StreamRecord>? records, string? single, int count)
    {
        public int Next { get; set; }

        public int Remaining => count - Next;

        public string Current => records is null ? single! : records[Next].SequenceNumber;
    }
}
