using System.Buffers;
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

        var frames = new byte[bytes];
        var offsets = new int[records.Count];
        var position = 0;
        for (var i = 0; i < records.Count; i++)
        {
            offsets[i] = position;
            position += RecordFrame.Write(records[i], frames.AsSpan(position));
        }

        var start = await PutFramesCoreAsync(frames, cancellationToken).WaitAsync(cancellationToken);
        var numbers = new SequenceNumber[records.Count];
        for (var i = 0; i < numbers.Length; i++)
        {
            numbers[i] = new SequenceNumber(start.Segment, start.Offset + offsets[i]);
        }

        return numbers;
    }

    /// <summary>
    /// Puts frames already encoded (kept together and in order) and returns the position of the first once
    /// durable: a frame at offset k of <paramref name="frames"/> has sequence number (segment, offset + k).
    /// The writer reads <paramref name="frames"/> until the returned task completes (even when
    /// <paramref name="cancellationToken"/> fires once queued, the task waits for the commit), so a caller
    /// may reuse a pooled buffer as soon as it does.
    /// </summary>
    public Task<SequenceNumber> PutFramesAsync(ReadOnlyMemory<byte> frames, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(frames.Length);
        if (frames.Length > _options.MaxBatchBytes)
        {
            throw new ArgumentException($"A put of {frames.Length} bytes of frames exceeds one append ({_options.MaxBatchBytes} bytes); split it.", nameof(frames));
        }

        return PutFramesCoreAsync(frames, cancellationToken);
    }

    private async Task<SequenceNumber> PutFramesCoreAsync(ReadOnlyMemory<byte> frames, CancellationToken cancellationToken)
    {
        var pending = new PendingPut(frames, new TaskCompletionSource<SequenceNumber>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _queue.Writer.WriteAsync(pending, cancellationToken);
        return await pending.Done.Task;
    }

    /// <summary>
    /// Wakes readers waiting in <see cref="WaitForCommitAsync"/> without a commit: after the shard was closed in this
    /// host, so its caught-up readers see the end (and hand over to the children) at once rather than at their next poll.
    /// </summary>
    public void WakeReaders() => Interlocked.Exchange(ref _committed, NewSignal()).TrySetResult();

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
        var pacer = new AppendPacer(_options.MinAppendInterval, _options.AppendBurst);
        var origin = _options.TimeProvider.GetTimestamp();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(cancellationToken))
            {
                // Pacing: about one append per MinAppendInterval, so storage writes per shard stay bounded however
                // high the put rate; puts arriving meanwhile join the next batch. A writer below the cap does not wait.
                var wait = pacer.Reserve(_options.TimeProvider.GetElapsedTime(origin));
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _options.TimeProvider, cancellationToken);
                }

                var bytes = 0;
                while (_queue.Reader.TryPeek(out var next) && (batch.Count == 0 || bytes + next.Frames.Length <= _options.MaxBatchBytes))
                {
                    _queue.Reader.TryRead(out _);
                    batch.Add(next);
                    bytes += next.Frames.Length;
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
        byte[]? rented = null;
        try
        {
            // Every put fits one append and the batch is cut at MaxBatchBytes, so the batch is one atomic append:
            // all of its puts land, or none does.
            ReadOnlyMemory<byte> block;
            if (batch.Count == 1)
            {
                block = batch[0].Frames;
            }
            else
            {
                var total = 0;
                foreach (var put in batch)
                {
                    total += put.Frames.Length;
                }

                rented = ArrayPool<byte>.Shared.Rent(total);
                var position = 0;
                foreach (var put in batch)
                {
                    put.Frames.Span.CopyTo(rented.AsSpan(position));
                    position += put.Frames.Length;
                }

                block = rented.AsMemory(0, total);
            }

            var start = await _log.AppendFramesAsync(block, cancellationToken);
            Interlocked.Increment(ref _appends);
            long offset = 0;
            foreach (var put in batch)
            {
                put.Done.TrySetResult(new SequenceNumber(start.Segment, start.Offset + offset));
                offset += put.Frames.Length;
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
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }

            WakeReaders();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed record PendingPut(ReadOnlyMemory<byte> Frames, TaskCompletionSource<SequenceNumber> Done);
}
