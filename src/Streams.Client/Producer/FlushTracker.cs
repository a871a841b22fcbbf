namespace Platform.Streams.Client.Producer;

/// <summary>
/// Lets FlushAsync wait for exactly the records added before it: each record is counted in the epoch
/// current when it was added, and a flush opens a new epoch and waits until every earlier one is empty.
/// Records added during the flush belong to the new epoch and do not hold it up.
/// </summary>
internal sealed class FlushTracker
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<long, int> _outstanding = [];
    private readonly List<(long Epoch, TaskCompletionSource Done)> _flushes = [];
    private long _epoch;

    public bool HasPendingFlush
    {
        get
        {
            lock (_lock)
            {
                return _flushes.Count > 0;
            }
        }
    }

    /// <summary>Counts a new record; returns its epoch.</summary>
    public long Added()
    {
        lock (_lock)
        {
            _outstanding[_epoch] = _outstanding.GetValueOrDefault(_epoch) + 1;
            return _epoch;
        }
    }

    /// <summary>A record of <paramref name="epoch"/> is finished (acknowledged, failed or never admitted).</summary>
    public void Finished(long epoch)
    {
        List<TaskCompletionSource>? done = null;
        lock (_lock)
        {
            var left = _outstanding[epoch] - 1;
            if (left > 0)
            {
                _outstanding[epoch] = left;
                return;
            }

            _outstanding.Remove(epoch);
            var oldest = _outstanding.Count == 0 ? long.MaxValue : _outstanding.Keys.First();
            for (var i = _flushes.Count - 1; i >= 0; i--)
            {
                if (_flushes[i].Epoch < oldest)
                {
                    (done ??= []).Add(_flushes[i].Done);
                    _flushes.RemoveAt(i);
                }
            }
        }

        done?.ForEach(static d => d.TrySetResult());
    }

    /// <summary>A task that completes once every record added before this call is finished.</summary>
    public Task FlushAsync()
    {
        lock (_lock)
        {
            var epoch = _epoch++;
            if (_outstanding.Count == 0 || _outstanding.Keys.First() > epoch)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _flushes.Add((epoch, done));
            return done.Task;
        }
    }
}
