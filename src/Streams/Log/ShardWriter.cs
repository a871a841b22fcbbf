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
        var pending = new PendingPut(records, records.Sum(RecordFrame.Measure), new TaskCompletionSource<IReadOnlyList<SequenceNumber>>(TaskCreationOptions.RunContinuationsAsynchronously));
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
        try
        {
            while (await _queue.Reader.WaitToReadAsync(cancellationToken))
            {
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
            // Usually one append; a single put larger than a block is split into consecutive appends.
            var all = batch.SelectMany(p => p.Records).ToList();
            var numbers = new List<SequenceNumber>(all.Count);
            foreach (var chunk in Chunk(all))
            {
                numbers.AddRange(await _log.AppendAsync(chunk, cancellationToken));
                Interlocked.Increment(ref _appends);
            }

            var index = 0;
            foreach (var put in batch)
            {
                put.Done.TrySetResult(numbers.GetRange(index, put.Records.Count));
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

    private IEnumerable<List<StreamRecordData>> Chunk(List<StreamRecordData> records)
    {
        var chunk = new List<StreamRecordData>();
        var bytes = 0;
        foreach (var record in records)
        {
            var size = RecordFrame.Measure(record);
            if (chunk.Count > 0 && bytes + size > _options.MaxBatchBytes)
            {
                yield return chunk;
                chunk = [];
                bytes = 0;
            }

            chunk.Add(record);
            bytes += size;
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed record PendingPut(IReadOnlyList<StreamRecordData> Records, int Bytes, TaskCompletionSource<IReadOnlyList<SequenceNumber>> Done);
}
