using System.Globalization;
using Microsoft.Extensions.Logging;
using Platform.Storage;
using Platform.Streams.Log;
using Platform.Streams.Routing;

namespace Platform.Streams.Service;

/// <summary>
/// Finds records that other hosts append to one stream incarnation without every waiting shard reader polling
/// storage: while anyone waits, one listing of the stream's segments at a time shows every shard's tail (its newest
/// segment and that segment's length), and each waiter whose shard grew past its position is woken. The listing
/// runs at <see cref="TailPolling.Active"/> after a change and backs off, doubling, to <see cref="TailPolling.Idle"/>
/// while nothing changes; it stops when nobody waits. Records this host writes wake readers through the shard
/// writer's commit signal instead (see <see cref="StreamService.WaitForChangeAsync"/>).
/// </summary>
internal sealed partial class StreamTailWatcher(IBlobStore store, string container, string prefix, TimeProvider time, ILogger logger, CancellationToken stopping)
{
    private readonly Lock _gate = new();
    private readonly List<Waiter> _waiters = [];
    private Dictionary<int, SequenceNumber> _tails = [];
    private bool _haveTails;
    private bool _running;
    private TimeSpan _interval;
    private TailPolling _polling = new(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));

    /// <summary>Listings made so far (for tests and benchmarks).</summary>
    public long Probes => Interlocked.Read(ref _probes);

    private long _probes;

    /// <summary>Completes once storage shows shard <paramref name="shardIndex"/> holding data at or past <paramref name="position"/>.</summary>
    public async Task WaitBeyondAsync(int shardIndex, SequenceNumber position, TailPolling polling, CancellationToken cancellationToken)
    {
        var waiter = new Waiter(shardIndex, position);
        lock (_gate)
        {
            _polling = polling;
            if (_haveTails && Beyond(_tails, waiter))
            {
                return;
            }

            _waiters.Add(waiter);
            if (!_running)
            {
                _running = true;
                _interval = polling.Active;
                _ = Task.Run(RunAsync, CancellationToken.None);
            }
        }

        await using var registration = cancellationToken.Register(static state =>
        {
            var (watcher, waiter) = ((StreamTailWatcher, Waiter))state!;
            lock (watcher._gate)
            {
                watcher._waiters.Remove(waiter);
            }

            waiter.Done.TrySetCanceled();
        }, (this, waiter));
        await waiter.Done.Task;
    }

    private async Task RunAsync()
    {
        while (true)
        {
            TimeSpan delay;
            lock (_gate)
            {
                if (_waiters.Count == 0 || stopping.IsCancellationRequested)
                {
                    _running = false;
                    return;
                }

                delay = _interval;
            }

            try
            {
                await Task.Delay(delay, time, stopping);
                var tails = await ListTailsAsync(stopping);
                Interlocked.Increment(ref _probes);
                lock (_gate)
                {
                    var changed = _haveTails && !Same(_tails, tails);
                    _tails = tails;
                    _haveTails = true;
                    for (var i = _waiters.Count - 1; i >= 0; i--)
                    {
                        if (Beyond(tails, _waiters[i]))
                        {
                            _waiters[i].Done.TrySetResult();
                            _waiters.RemoveAt(i);
                            changed = true;
                        }
                    }

                    // Back off while nothing moves; a change means more may follow soon.
                    _interval = changed ? _polling.Active : Min(_interval * 2, _polling.Idle);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                lock (_gate)
                {
                    _running = false;
                    foreach (var waiter in _waiters)
                    {
                        waiter.Done.TrySetCanceled();
                    }

                    _waiters.Clear();
                }

                return;
            }
            catch (Exception e)
            {
                // Storage trouble: look again later; waiters also wake at their own time limit.
                Log.ProbeFailed(logger, prefix, e);
                lock (_gate)
                {
                    _interval = Min(_interval * 2, _polling.Idle);
                }
            }
        }
    }

    private async Task<Dictionary<int, SequenceNumber>> ListTailsAsync(CancellationToken cancellationToken)
    {
        var tails = new Dictionary<int, SequenceNumber>();
        string? token = null;
        do
        {
            var page = await store.ListBlobsAsync(container, prefix, token, cancellationToken: cancellationToken);
            foreach (var item in page.Items)
            {
                var rest = item.Name.AsSpan(prefix.Length);
                var slash = rest.IndexOf('/');
                if (slash <= 0 || !ShardId.TryParse(rest[..slash].ToString(), out var shard)
                    || !uint.TryParse(rest[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var segment))
                {
                    continue;
                }

                if (!tails.TryGetValue(shard.Index, out var tail) || segment > tail.Segment)
                {
                    tails[shard.Index] = new SequenceNumber(segment, item.Length);
                }
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
        return tails;
    }

    private static bool Beyond(Dictionary<int, SequenceNumber> tails, Waiter waiter) =>
        tails.TryGetValue(waiter.Shard, out var tail) && (tail.Segment > waiter.Position.Segment || (tail.Segment == waiter.Position.Segment && tail.Offset > waiter.Position.Offset));

    private static bool Same(Dictionary<int, SequenceNumber> a, Dictionary<int, SequenceNumber> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        foreach (var (shard, tail) in a)
        {
            if (!b.TryGetValue(shard, out var other) || other != tail)
            {
                return false;
            }
        }

        return true;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private sealed class Waiter(int shard, SequenceNumber position)
    {
        public int Shard { get; } = shard;

        public SequenceNumber Position { get; } = position;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Listing {Prefix} for new records failed; looking again later")]
        public static partial void ProbeFailed(ILogger logger, string prefix, Exception exception);
    }
}
