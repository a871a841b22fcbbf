using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Runtime.Functions;
using Platform.Streams.Records;
using Platform.Streams.Service;
using Platform.Triggers.Leases;
using Platform.Triggers.Metrics;
using Platform.Triggers.Settings;

namespace Platform.Triggers.Engine;

/// <summary>
/// Runs one function over one shard this host holds the lease of: reads from the checkpoint (or the starting
/// position), forms batches (size, 6 MB, batching window), runs them through <see cref="BatchExecutor"/> in one lane
/// or, with a parallelization factor, in several lanes split by partition key (order kept per key), and checkpoints
/// the position before which everything is done. Stops when asked (draining in-flight batches), when the lease is
/// lost (at once) or when a closed shard is fully processed (then marks the lease finished).
/// </summary>
public sealed partial class ShardProcessor : IDisposable
{
    /// <summary>Most records one read hands to the lanes (a 7 MiB read of 100-byte records holds ~55,000).</summary>
    private const int ReadLimit = 50_000;

    /// <summary>
    /// Bytes of one read: room for a batch at the 6 MB cap plus the largest record, so a batch never stops short of
    /// the cap for want of records already written.
    /// </summary>
    private readonly int _readBytes;

    /// <summary>Read a caught-up shard again after this long even if nothing announced records (a safety net).</summary>
    private static readonly TimeSpan SafetyReread = TimeSpan.FromMinutes(4);
    private readonly TriggeredFunction _function;
    private readonly StreamService _streams;
    private readonly LeaseHandle _lease;
    private readonly IServiceProvider _services;
    private readonly FunctionMetrics _metrics;
    private readonly StreamsExtensionOptions _host;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _streamArn;
    private readonly Func<bool> _leaseValid;
    private readonly CancellationTokenSource _readStop = new();
    private readonly CancellationTokenSource _hardStop = new();
    private readonly BatchExecutor _executor;
    private readonly CheckpointTracker _tracker;
    private readonly Channel<RecordRun>[] _lanes;
    private readonly RecordSource _source;
    private long _lastCheckpointTicks;
    private ShardPosition? _readPosition;
    private Task? _run;

    public ShardProcessor(TriggeredFunction function, StreamService streams, LeaseHandle lease, IServiceProvider services, FunctionMetrics metrics,
        StreamsExtensionOptions host, string streamArn, Func<bool> leaseValid, TimeProvider time, ILogger logger)
    {
        _function = function;
        _streams = streams;
        _lease = lease;
        _services = services;
        _metrics = metrics;
        _host = host;
        _streamArn = streamArn;
        _leaseValid = leaseValid;
        _time = time;
        _logger = logger;
        _executor = new BatchExecutor(function.Settings, time);
        var lanes = function.Settings.ParallelizationFactor;
        _tracker = new CheckpointTracker(lanes, lease.Current.State.Checkpoint);
        _source = new RecordSource(lease.ShardId, function.Settings.Stream, streamArn);
        _readBytes = (int)Math.Min(int.MaxValue / 2, function.Settings.MaxBatchBytes + RecordFrame.MaxFrameBytes);

        // Two chunks queued per lane: the next read overlaps the running batch without holding many read buffers.
        _lanes = new Channel<RecordRun>[lanes];
        for (var i = 0; i < lanes; i++)
        {
            _lanes[i] = Channel.CreateBounded<RecordRun>(new BoundedChannelOptions(2) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true, SingleWriter = true });
        }
    }

    public string ShardId => _lease.ShardId;

    /// <summary>Completes when the processor has stopped for any reason.</summary>
    public Task Completion => _run ?? Task.CompletedTask;

    /// <summary>True once the shard is closed and every record is processed.</summary>
    public bool Finished { get; private set; }

    /// <summary>True when a checkpoint write found another owner.</summary>
    public bool LeaseLost { get; private set; }

    public void Start() => _run = Task.Run(RunAsync);

    /// <summary>
    /// Stops reading, lets in-flight batches finish for up to <paramref name="drain"/> (then cancels them), checkpoints
    /// and, when <paramref name="release"/>, gives the lease up for another host.
    /// </summary>
    public async Task StopAsync(TimeSpan drain, bool release)
    {
        _releaseOnStop = release;
        await _readStop.CancelAsync();
        _hardStop.CancelAfter(drain);
        await Completion;
    }

    /// <summary>Stops at once without writing anything: the lease belongs to another host now.</summary>
    public async Task AbandonAsync()
    {
        _abandoned = true;
        await _readStop.CancelAsync();
        await _hardStop.CancelAsync();
        await Completion;
    }

    private bool _releaseOnStop;
    private bool _abandoned;

    private async Task RunAsync()
    {
        var lanes = new Task[_lanes.Length];
        for (var i = 0; i < lanes.Length; i++)
        {
            var lane = i;
            lanes[i] = Task.Run(() => RunLaneAsync(lane));
        }

        var ended = false;
        try
        {
            ended = await ReadAsync(_readStop.Token);
        }
        catch (OperationCanceledException) when (_readStop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Log.ReadFailed(_logger, _function.Name, ShardId, e);
        }
        finally
        {
            foreach (var channel in _lanes)
            {
                channel.Writer.TryComplete();
            }
        }

        try
        {
            await Task.WhenAll(lanes);
        }
        catch (Exception e) when (e is OperationCanceledException || _hardStop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Log.LaneFailed(_logger, _function.Name, ShardId, e);
        }

        if (_abandoned)
        {
            return;
        }

        Finished = ended && _tracker.Idle && !_hardStop.IsCancellationRequested;
        try
        {
            LeaseLost = !await _lease.SaveAsync(_tracker.SafePosition, Finished, release: _releaseOnStop || Finished, CancellationToken.None);
            if (Finished)
            {
                Log.ShardFinished(_logger, _function.Name, ShardId);
            }
        }
        catch (Exception e)
        {
            Log.CheckpointFailed(_logger, _function.Name, ShardId, e);
        }
    }

    /// <summary>Reads the shard into the lanes; true when a closed shard was read to its end.</summary>
    private async Task<bool> ReadAsync(CancellationToken cancellationToken)
    {
        _readPosition = _tracker.SafePosition;
        var iterator = await NewIteratorAsync(_readPosition, cancellationToken);
        var polling = new TailPolling(TimeSpan.FromMilliseconds(_host.PollIntervalMilliseconds), TimeSpan.FromMilliseconds(_host.IdlePollIntervalMilliseconds));
        ScannedFrame[]? spare = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            RecordChunk chunk;
            try
            {
                chunk = await _streams.ReadChunkAsync(iterator, ReadLimit, _readBytes, spare, cancellationToken);
            }
            catch (KinesisException e) when (e.ErrorType == KinesisErrors.ExpiredIterator)
            {
                // Continue after what was read (it is queued in the lanes), not from the checkpoint.
                iterator = await NewIteratorAsync(_readPosition, cancellationToken);
                continue;
            }

            if (chunk.Count > 0)
            {
                var last = await DispatchAsync(chunk, cancellationToken);
                _readPosition = ShardPosition.After(last.SequenceNumber);
            }

            // The records' runs keep the slice table of a read that had any; an empty read's table is reused.
            spare = chunk.Count > 0 ? null : chunk.Frames.Slices;

            if (chunk.NextShardIterator is null)
            {
                return true;
            }

            iterator = chunk.NextShardIterator;
            if (chunk.CaughtUp)
            {
                // Caught up: wait for this host's next commit or another host's append (one shared listing per
                // stream, backing off while the stream is idle) instead of reading the shard again and again.
                await _streams.WaitForChangeAsync(iterator, polling, SafetyReread, cancellationToken);
            }
        }

        return false;
    }

    private async Task<string> NewIteratorAsync(ShardPosition? position, CancellationToken cancellationToken)
    {
        var settings = _function.Settings;
        if (position is { } at)
        {
            return await _streams.GetShardIteratorAsync(settings.Stream, ShardId, at.Inclusive ? IteratorType.AtSequenceNumber : IteratorType.AfterSequenceNumber, at.SequenceNumber, null, cancellationToken);
        }

        // LATEST is fixed when the function first claims the shard, so a restart or takeover before the first batch
        // does not skip what arrived meanwhile.
        if (settings.StartingPosition == StartingPosition.Latest && _lease.Current.State.StartedAt is { } started)
        {
            return await _streams.GetShardIteratorAsync(settings.Stream, ShardId, IteratorType.AtTimestamp, null, started, cancellationToken);
        }

        return settings.StartingPosition switch
        {
            StartingPosition.Latest => await _streams.GetShardIteratorAsync(settings.Stream, ShardId, IteratorType.Latest, null, null, cancellationToken),
            StartingPosition.AtTimestamp => await _streams.GetShardIteratorAsync(settings.Stream, ShardId, IteratorType.AtTimestamp, null, settings.StartingPositionTimestamp, cancellationToken),
            _ => await _streams.GetShardIteratorAsync(settings.Stream, ShardId, IteratorType.TrimHorizon, null, null, cancellationToken),
        };
    }

    /// <summary>Hands a chunk's records to the lanes (all to one, or split by partition key); returns the last record.</summary>
    private async Task<StreamRecord> DispatchAsync(RecordChunk chunk, CancellationToken cancellationToken)
    {
        if (_lanes.Length == 1)
        {
            var run = new RecordRun(_source, chunk.Frames, chunk.First, chunk.Count);
            _tracker.Dispatched(0, run);
            await _lanes[0].Writer.WriteAsync(run, cancellationToken);
            return run[^1];
        }

        var frames = chunk.Frames;
        var perLane = new List<int>?[_lanes.Length];
        for (var i = chunk.First; i < frames.Count; i++)
        {
            var slice = frames.Slices[i];
            (perLane[(int)(KeyHash(frames.Buffer.Span.Slice(slice.KeyStart, slice.KeyLength)) % (uint)_lanes.Length)] ??= []).Add(i);
        }

        for (var lane = 0; lane < perLane.Length; lane++)
        {
            if (perLane[lane] is { } list)
            {
                var run = new RecordRun(_source, frames, 0, list.Count, [.. list]);
                _tracker.Dispatched(lane, run);
                await _lanes[lane].Writer.WriteAsync(run, cancellationToken);
            }
        }

        return new RecordRun(_source, frames, frames.Count - 1, 1)[0];
    }

    /// <summary>A stable lane per partition key (FNV-1a over its UTF-8 bytes), so one key's records stay in order.</summary>
    private static uint KeyHash(ReadOnlySpan<byte> key)
    {
        var hash = 2166136261u;
        foreach (var b in key)
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash;
    }

    public void Dispose()
    {
        _readStop.Dispose();
        _hardStop.Dispose();
        _lease.Dispose();
    }

    private async Task RunLaneAsync(int lane)
    {
        var reader = _lanes[lane].Reader;
        var settings = _function.Settings;
        var carry = new ChunkCursor();
        var hard = _hardStop.Token;
        while (true)
        {
            // Gather one batch: as soon as records exist (window 0), or until full, 6 MB, or the window ends.
            if (carry.Count == 0)
            {
                if (!await reader.WaitToReadAsync(CancellationToken.None) || _readStop.IsCancellationRequested)
                {
                    return;
                }
            }

            var deadline = _time.GetUtcNow() + settings.MaximumBatchingWindow;
            var batch = new BatchBuilder(settings.BatchSize);
            long bytes = 0;
            while (true)
            {
                if (carry.Count == 0 && reader.TryRead(out var chunk))
                {
                    carry.Reset(chunk);
                }

                // Take a run of the current chunk: usually the whole batch is one slice of it, with no copy.
                var run = 0;
                while (run < carry.Count && batch.Count + run < settings.BatchSize)
                {
                    var size = carry.DataLengthAt(run);
                    if (batch.Count + run > 0 && bytes + size > settings.MaxBatchBytes)
                    {
                        break;
                    }

                    bytes += size;
                    run++;
                }

                batch.Add(carry.Take(run));
                var full = batch.Count >= settings.BatchSize || (carry.Count > 0 && batch.Count > 0);
                var remaining = deadline - _time.GetUtcNow();
                if (full || remaining <= TimeSpan.Zero || _readStop.IsCancellationRequested)
                {
                    break;
                }

                using var wait = CancellationTokenSource.CreateLinkedTokenSource(_readStop.Token);
                wait.CancelAfter(remaining);
                try
                {
                    if (!await reader.WaitToReadAsync(wait.Token))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            if (batch.Count == 0)
            {
                continue;
            }

            var records = batch.Build();

            if (!_leaseValid())
            {
                // This host could not renew its heartbeat in time: others may own the shard now. Invoke nothing more;
                // the whole processor stops, and the coordinator resumes the shard from its checkpoint if it is still ours.
                Log.LeaseExpired(_logger, _function.Name, ShardId);
                await StopEverythingAsync();
                return;
            }

            try
            {
                await _executor.RunAsync(records, InvokeAsync, SendToFailureDestinationAsync, hard);
            }
            catch (OperationCanceledException) when (hard.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Not the function's fault (those are results): storage or the host itself. Stop the processor so the
                // coordinator resumes it from the checkpoint, instead of leaving a dead lane that pins the shard.
                Log.LaneFailed(_logger, _function.Name, ShardId, e);
                await StopEverythingAsync();
                return;
            }

            _tracker.Completed(lane, records.Count);
            var last = records[^1];
            _metrics.IteratorAge(_function.Name, (_time.GetUtcNow() - last.ApproximateArrivalTimestamp).TotalMilliseconds);
            await MaybeCheckpointAsync(hard);
            if (_readStop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task StopEverythingAsync()
    {
        await _readStop.CancelAsync();
        await _hardStop.CancelAsync();
    }

    private async Task MaybeCheckpointAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastCheckpointTicks);
        if (_time.GetElapsedTime(last, now).TotalMilliseconds < _host.CheckpointIntervalMilliseconds || Interlocked.CompareExchange(ref _lastCheckpointTicks, now, last) != last)
        {
            return;
        }

        bool saved;
        try
        {
            saved = await _lease.SaveAsync(_tracker.SafePosition, finished: false, release: false, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A storage fault: the next batch tries again; at worst a crash replays a little more.
            Log.CheckpointFailed(_logger, _function.Name, ShardId, e);
            Interlocked.Exchange(ref _lastCheckpointTicks, last);
            return;
        }

        if (!saved)
        {
            LeaseLost = true;
            Log.LeaseLostOnCheckpoint(_logger, _function.Name, ShardId);
            _abandoned = true;
            await _readStop.CancelAsync();
            await _hardStop.CancelAsync();
        }
    }

    private async ValueTask<Binding.InvocationResult> InvokeAsync(IReadOnlyList<StreamRecord> batch, int attempt, CancellationToken cancellationToken)
    {
        if (!_leaseValid())
        {
            // Retries and bisect halves are invocations too: none may start once others could own the shard.
            Log.LeaseExpired(_logger, _function.Name, ShardId);
            await StopEverythingAsync();
            throw new OperationCanceledException(_hardStop.Token);
        }

        var settings = _function.Settings;
        var invocationId = Guid.NewGuid().ToString();
        var metadata = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["StreamName"] = settings.Stream,
            ["StreamArn"] = _streamArn,
            ["ShardId"] = ShardId,
            ["FirstSequenceNumber"] = batch[0].SequenceNumber,
            ["LastSequenceNumber"] = batch[^1].SequenceNumber,
            ["BatchSize"] = batch.Count,
        };
        await using var scope = _services.CreateAsyncScope();
        var context = new FunctionContext(settings.FunctionName, invocationId, attempt, scope.ServiceProvider, metadata, cancellationToken);
        var started = Stopwatch.GetTimestamp();
        Binding.InvocationResult result;
        using (_logger.BeginScope(new InvocationScope(settings.FunctionName, invocationId, ShardId, attempt)))
        {
            result = await _function.Invoker.InvokeAsync(batch, context, settings.FunctionTimeout, settings.ReportBatchItemFailures);
            if (result.Kind != Binding.InvocationResultKind.Success)
            {
                Log.InvocationFailed(_logger, settings.FunctionName, ShardId, attempt, batch.Count, result.FunctionError, result.Message);
            }
        }

        var processed = result.Kind switch
        {
            Binding.InvocationResultKind.Success => batch.Count,
            Binding.InvocationResultKind.PartialFailure => Math.Max(0, result.FailedIndex),
            _ => 0,
        };
        _metrics.Invoked(settings.FunctionName, batch.Count, processed, result.Kind != Binding.InvocationResultKind.Success, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return result;
    }

    private async Task SendToFailureDestinationAsync(FailedBatch failed, CancellationToken cancellationToken)
    {
        _metrics.SentToFailureDestination(_function.Name, failed.Records.Count);
        if (_function.OnFailure is null)
        {
            Log.DiscardedWithoutDestination(_logger, _function.Name, ShardId, failed.Records.Count, failed.Condition.ToString(), failed.Records[0].SequenceNumber);
            return;
        }

        // Acknowledged means durable: the shard does not move past these records until the destination has them.
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                await _function.OnFailure.SendAsync(failed, new Destinations.FailureSource(_function.Name, _streamArn, ShardId, _function.Settings.Stream), cancellationToken);
                Log.SentToDestination(_logger, _function.Name, ShardId, failed.Records.Count, failed.Condition.ToString(), _function.Settings.OnFailure);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Log.DestinationFailed(_logger, _function.Name, ShardId, e);
                await Task.Delay(delay, _time, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    /// <summary>The unread rest of the run a lane is batching from.</summary>
    private sealed class ChunkCursor
    {
        private RecordRun? _run;
        private int _next;

        public int Count => _run is null ? 0 : _run.Count - _next;

        public void Reset(RecordRun run) => (_run, _next) = (run, 0);

        public int DataLengthAt(int index) => _run!.DataLength(_next + index);

        public RecordRun? Take(int count)
        {
            if (count == 0)
            {
                return null;
            }

            var taken = _run!.Slice(_next, count);
            _next += count;
            return taken;
        }
    }

    /// <summary>A batch as runs of reads; one run (the usual case) is the batch as it is.</summary>
    private struct BatchBuilder(int capacity)
    {
        private RecordRun? _first;
        private List<StreamRecord>? _joined;

        public int Count { get; private set; }

        public void Add(RecordRun? run)
        {
            if (run is null || run.Count == 0)
            {
                return;
            }

            if (_first is null)
            {
                _first = run;
            }
            else
            {
                if (_joined is null)
                {
                    _joined = new List<StreamRecord>(Math.Min(capacity, 16_384));
                    _joined.AddRange(_first);
                }

                _joined.AddRange(run);
            }

            Count += run.Count;
        }

        public readonly IReadOnlyList<StreamRecord> Build() => _joined is not null ? _joined.ToArray() : _first!;
    }

    /// <summary>The logging scope of one invocation.</summary>
    private sealed record InvocationScope(string FunctionName, string InvocationId, string ShardId, int Attempt);

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Function {Function} failed on shard {Shard} (attempt {Attempt}, {Count} records): {Error} {Detail}")]
        public static partial void InvocationFailed(ILogger logger, string function, string shard, int attempt, int count, string? error, string? detail);

        [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "Function {Function} could not read shard {Shard}; another attempt follows")]
        public static partial void ReadFailed(ILogger logger, string function, string shard, Exception exception);

        [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Function {Function} finished closed shard {Shard}")]
        public static partial void ShardFinished(ILogger logger, string function, string shard);

        [LoggerMessage(EventId = 4004, Level = LogLevel.Error, Message = "Function {Function} could not checkpoint shard {Shard}")]
        public static partial void CheckpointFailed(ILogger logger, string function, string shard, Exception exception);

        [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Function {Function} lost shard {Shard} to another host while checkpointing; stopping")]
        public static partial void LeaseLostOnCheckpoint(ILogger logger, string function, string shard);

        [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "Function {Function} stops shard {Shard}: this host's heartbeat is too old to be sure it still owns it")]
        public static partial void LeaseExpired(ILogger logger, string function, string shard);

        [LoggerMessage(EventId = 4007, Level = LogLevel.Warning, Message = "Function {Function} shard {Shard}: {Count} records discarded ({Condition}) from {First}; no OnFailure destination is set")]
        public static partial void DiscardedWithoutDestination(ILogger logger, string function, string shard, int count, string condition, string first);

        [LoggerMessage(EventId = 4008, Level = LogLevel.Warning, Message = "Function {Function} shard {Shard}: {Count} records sent to {Destination} ({Condition})")]
        public static partial void SentToDestination(ILogger logger, string function, string shard, int count, string condition, string? destination);

        [LoggerMessage(EventId = 4010, Level = LogLevel.Error, Message = "Function {Function} shard {Shard}: processing stopped by a fault outside the function; it resumes from the checkpoint")]
        public static partial void LaneFailed(ILogger logger, string function, string shard, Exception exception);

        [LoggerMessage(EventId = 4009, Level = LogLevel.Error, Message = "Function {Function} shard {Shard}: the on-failure destination failed; retrying (the shard waits)")]
        public static partial void DestinationFailed(ILogger logger, string function, string shard, Exception exception);
    }
}
