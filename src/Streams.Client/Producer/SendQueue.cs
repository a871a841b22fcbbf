namespace Platform.Streams.Client.Producer;

/// <summary>
/// The producer's records between admission and acknowledgement, deciding what the next PutRecords may
/// carry. Pure logic, owned by the producer's single loop (not thread-safe).
/// </summary>
/// <remarks>
/// Fresh records wait in arrival order; retried records, once their backoff has passed, go ahead of
/// them. With <c>orderByPartitionKey</c>, at most one record per partition key is out of this queue (in a
/// request, or waiting out a backoff) at a time; the key's later records wait behind it. A retry can
/// then never overtake, or be overtaken by, another record of its key, at the cost of one round trip
/// per record per key.
/// </remarks>
internal sealed class SendQueue(bool orderByPartitionKey)
{
    private readonly Queue<PendingRecord> _fresh = new();
    // Records that have already waited: retries whose backoff ended, and a key's next record.
    private readonly Queue<PendingRecord> _urgent = new();
    private readonly PriorityQueue<PendingRecord, DateTimeOffset> _backingOff = new();
    private readonly Dictionary<string, Queue<PendingRecord>?> _busyKeys = new(StringComparer.Ordinal);

    /// <summary>Records that could go into a request now.</summary>
    public int ReadyCount => _fresh.Count + _urgent.Count;

    public long ReadyBytes { get; private set; }

    /// <summary>Records held (ready, backing off, or behind their key), not counting those in flight.</summary>
    public int HeldCount { get; private set; }

    /// <summary>When the ready records should go even if no request is full; null when none are ready.</summary>
    public DateTimeOffset? SendDueAt(TimeSpan linger) =>
        _urgent.Count > 0 ? DateTimeOffset.MinValue : _fresh.TryPeek(out var oldest) ? oldest.QueuedAt + linger : null;

    /// <summary>When the earliest backoff ends; null when nothing is backing off.</summary>
    public DateTimeOffset? NextRetryAt => _backingOff.TryPeek(out _, out var at) ? at : null;

    public void Add(PendingRecord record, DateTimeOffset now)
    {
        record.QueuedAt = now;
        HeldCount++;
        if (orderByPartitionKey)
        {
            if (_busyKeys.TryGetValue(record.PartitionKey, out var waiting))
            {
                // The key has a record queued or out; this one waits behind it.
                waiting ??= _busyKeys[record.PartitionKey] = new Queue<PendingRecord>();
                waiting.Enqueue(record);
                return;
            }

            _busyKeys.Add(record.PartitionKey, null);
        }

        _fresh.Enqueue(record);
        ReadyBytes += record.Size;
    }

    /// <summary>Moves up to <paramref name="maxRecords"/> ready records (at most <paramref name="maxBytes"/>, or one larger record) into <paramref name="batch"/>.</summary>
    public void TakeBatch(int maxRecords, long maxBytes, List<PendingRecord> batch)
    {
        long bytes = 0;
        while (batch.Count < maxRecords)
        {
            var source = _urgent.Count > 0 ? _urgent : _fresh;
            if (!source.TryPeek(out var next) || (batch.Count > 0 && bytes + next.Size > maxBytes))
            {
                return;
            }

            source.Dequeue();
            bytes += next.Size;
            ReadyBytes -= next.Size;
            HeldCount--;
            batch.Add(next);
        }
    }

    /// <summary>A record out of the queue is done (acknowledged or failed for good): its key's next record may go.</summary>
    public void Completed(PendingRecord record)
    {
        if (!orderByPartitionKey)
        {
            return;
        }

        if (_busyKeys.TryGetValue(record.PartitionKey, out var waiting) && waiting is { Count: > 0 })
        {
            // The next record of the key has waited behind this one; it goes ahead of fresh records.
            var next = waiting.Dequeue();
            _urgent.Enqueue(next);
            ReadyBytes += next.Size;
            return;
        }

        _busyKeys.Remove(record.PartitionKey);
    }

    /// <summary>A record out of the queue failed and is to be sent again after <paramref name="notBefore"/>.</summary>
    public void Retry(PendingRecord record, DateTimeOffset notBefore)
    {
        HeldCount++;
        _backingOff.Enqueue(record, notBefore);
    }

    /// <summary>Makes records whose backoff has ended ready, ahead of fresh ones.</summary>
    public void Promote(DateTimeOffset now)
    {
        while (_backingOff.TryPeek(out var record, out var at) && at <= now)
        {
            _backingOff.Dequeue();
            _urgent.Enqueue(record);
            ReadyBytes += record.Size;
        }
    }

    /// <summary>Empties the queue, returning every record it held, for a producer that has to give up.</summary>
    public List<PendingRecord> RemoveAll()
    {
        var all = new List<PendingRecord>(HeldCount);
        all.AddRange(_urgent);
        all.AddRange(_fresh);
        all.AddRange(_backingOff.UnorderedItems.Select(static item => item.Element));
        foreach (var waiting in _busyKeys.Values)
        {
            if (waiting is not null)
            {
                all.AddRange(waiting);
            }
        }

        _urgent.Clear();
        _fresh.Clear();
        _backingOff.Clear();
        _busyKeys.Clear();
        ReadyBytes = 0;
        HeldCount = 0;
        return all;
    }
}
