using System.Threading.Channels;
using Platform.Streams.Records;

namespace Platform.Streams.Log;

/// <summary>
/// Group commit for one shard in one host: concurrent puts queue on a bounded channel and a single loop
/// appends whatever is queued as one batch, so storage sees one write per batch however many producers
/// there are, and each put completes once its batch is durable. Records of one put stay together and
/// in order. Readers in this process can wait for the next commit instead of polling.
/// </summary>
public sealed class ShardWriter : IAsyncDisposable
{
    private readonly ShardLog _log;
    private readonly ShardWriterOptions _options;
    private readonly Channel<PendingPut> _queue;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private TaskCompletionSource _committed = NewSignal();
    private long _appends;

    public ShardWriter(ShardLog log, ShardWriterOptions? options = null)
    {
        _options = options ?? new ShardWriterOptions();
        _options.Validate();
        _log = log;
        _queue = Channel.CreateBounded<PendingPut>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _loop = Task.Run(() => RunAsync(_stopping.Token));
    }

    /// <summary>Storage appends made so far (one per batch).</summary>
    public long Appends => Interlocked.Read(ref _appends);

    /// <summary>Puts records (kept together and in order) and returns their sequence numbers once durable.</summary>
    public async Task<IReadOnlyList<SequenceNumber>> PutAsync(IReadOnlyList<StreamRecordData> records, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(records.Count);
        var bytes = records.Sum(RecordFrame.Measure);
        if (bytes > _options.MaxBatchBytes)
        {
            throw new ArgumentException($"A put of {bytes} bytes of frames exceeds one append ({_options.MaxBatchBytes} bytes); split it.", nameof(records));
        }

        var pending = new PendingPut(records, bytes, new TaskCompletionSource<IReadOnlyList<SequenceNumber>>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _queue.Writer.WriteAsync(pending, cancellationToken);
        return await pending.Done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Completes at the next commit of this writer (for readers that have caught up).</summary>
    public Task WaitForCommitAsync(CancellationToken cancellationToken = default) => Volatile.Read(ref _committed).Task.WaitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            await _stopping.CancelAsync();
        }

        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var batch = new List<PendingPut>();
        var lastAppend = long.MinValue;
        try
        {
            while (await _queue.Reader.WaitToReadAsync(cancellationToken))
            {
                // Pacing: at most one append per MinAppendInterval, so storage writes per shard stay bounded
                // however high the put rate; puts arriving meanwhile join the next batch. An idle writer does not wait.
                var since = _options.TimeProvider.GetElapsedTime(lastAppend);
                if (lastAppend != long.MinValue && since < _options.MinAppendInterval)
                {
                    await Task.Delay(_options.MinAppendInterval - since, _options.TimeProvider, cancellationToken);
                }

                lastAppend = _options.TimeProvider.GetTimestamp();
                var bytes = 0;
                while (_queue.Reader.TryPeek(out var next) && (batch.Count == 0 || bytes + next.Bytes <= _options.MaxBatchBytes))
                {
                    _queue.Reader.TryRead(out _);
                    batch.Add(next);
                    bytes += next.Bytes;
                }

                await CommitAsync(batch, cancellationToken);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped: fail what is still queued rather than leave callers waiting forever.
            while (_queue.Reader.TryRead(out var left))
            {
                left.Done.TrySetException(new ObjectDisposedException(nameof(ShardWriter)));
            }
        }
    }

    private async Task CommitAsync(List<PendingPut> batch, CancellationToken cancellationToken)
    {
        try
        {
            // Every put fits one append and the batch is cut at MaxBatchBytes, so the batch is one atomic append:
            // all of its puts land, or none does.
            var all = batch.Count == 1 ? batch[0].Records : batch.SelectMany(p => p.Records).ToList();
            var numbers = await _log.AppendAsync(all, cancellationToken);
            Interlocked.Increment(ref _appends);
            var index = 0;
            foreach (var put in batch)
            {
                put.Done.TrySetResult(new ArraySegment<SequenceNumber>(numbers as SequenceNumber[] ?? [.. numbers], index, put.Records.Count));
                index += put.Records.Count;
            }
        }
        catch (Exception e)
        {
            foreach (var put in batch)
            {
                put.Done.TrySetException(e);
            }
        }
        finally
        {
            Interlocked.Exchange(ref _committed, NewSignal()).TrySetResult();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed record PendingPut(IReadOnlyList<StreamRecordData> Records, int Bytes, TaskCompletionSource<IReadOnlyList<SequenceNumber>> Done);
}
