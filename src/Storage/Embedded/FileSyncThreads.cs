using Microsoft.Win32.SafeHandles;

namespace Platform.Storage.Embedded;

/// <summary>
/// Runs fdatasync on a few dedicated threads, so an append waiting for the disk does not hold a thread-pool
/// thread (on a small machine a handful of shards syncing at once would otherwise starve request handling and
/// make the pool inject threads). The caller still awaits the sync before acknowledging: durability is unchanged.
/// Idle threads block in <see cref="Monitor.Wait(object)"/>, which does not spin (a profile showed
/// BlockingCollection's spinning wait costing more CPU than the syncs).
/// </summary>
internal sealed class FileSyncThreads : IDisposable
{
    private const int QueueCapacity = 1024;
    private readonly Queue<(SafeFileHandle Handle, TaskCompletionSource Done)> _queue = new();
    private readonly object _gate = new(); // a Monitor, not a System.Threading.Lock: Wait and Pulse need one
    private readonly Thread[] _threads;
    private bool _stopping;

    public FileSyncThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _threads = new Thread[threads];
        for (var i = 0; i < threads; i++)
        {
            _threads[i] = new Thread(Run) { IsBackground = true, Name = $"embedded-fdatasync-{i}" };
            _threads[i].Start();
        }
    }

    /// <summary>Completes once <paramref name="handle"/>'s data is durable; faults with the sync's <see cref="IOException"/>.</summary>
    public Task SyncAsync(SafeFileHandle handle)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (!_stopping && _queue.Count < QueueCapacity)
            {
                _queue.Enqueue((handle, done));
                Monitor.Pulse(_gate);
                return done.Task;
            }
        }

        // Stopping, or far behind: sync on the caller's thread.
        NativeMethods.DataSync(handle);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.PulseAll(_gate);
        }

        foreach (var thread in _threads)
        {
            thread.Join(TimeSpan.FromSeconds(30));
        }
    }

    private void Run()
    {
        while (true)
        {
            (SafeFileHandle Handle, TaskCompletionSource Done) next;
            lock (_gate)
            {
                while (_queue.Count == 0)
                {
                    if (_stopping)
                    {
                        return;
                    }

                    Monitor.Wait(_gate);
                }

                next = _queue.Dequeue();
            }

            try
            {
                NativeMethods.DataSync(next.Handle);
                next.Done.SetResult();
            }
            catch (Exception e)
            {
                next.Done.SetException(e);
            }
        }
    }
}
