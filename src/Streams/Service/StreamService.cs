using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Platform.Storage;
using Platform.Streams.Control;
using Platform.Streams.Log;
using Platform.Streams.Routing;

namespace Platform.Streams.Service;

/// <summary>
/// The Kinesis Data Streams service over blob storage, independent of HTTP: stream documents in the catalog,
/// one <see cref="ShardLog"/> and group-commit <see cref="ShardWriter"/> per shard this host touches.
/// Every host sharing the storage account runs one; they coordinate only through blob conditions.
/// </summary>
public sealed partial class StreamService : IAsyncDisposable
{
    public const string Container = "platform-streams";
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromSeconds(30);
    private readonly IBlobStore _store;
    private readonly StreamsOptions _options;
    private readonly ShardIteratorCodec _iterators;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly StreamCatalog _catalog;
    private readonly ConcurrentDictionary<(string Incarnation, int Shard), Lazy<Task<ShardHandle>>> _shards = new();
    private readonly ConcurrentDictionary<(string Incarnation, int Shard), bool> _knownClosed = new();
    private readonly ConcurrentDictionary<string, Task> _background = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>The service's clock, which stamps shards' open and close times.</summary>
    public DateTimeOffset Now => _time.GetUtcNow();

    public StreamService(IBlobStore store, StreamsOptions options, ShardIteratorCodec iterators, TimeProvider time, ILogger<StreamService> logger)
    {
        _store = store;
        _options = options;
        _iterators = iterators;
        _time = time;
        _logger = logger;
        _catalog = new StreamCatalog(store, Container, time, TimeSpan.FromMilliseconds(options.MetadataCacheMs));
    }

    public StreamsOptions Options => _options;

    /// <summary>Storage appends made by this host's shard writers (for benchmarks and tests).</summary>
    public async Task<long> CountStorageAppendsAsync()
    {
        long total = 0;
        foreach (var lazy in _shards.Values)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
            {
                total += (await lazy.Value).Writer.Appends;
            }
        }

        return total;
    }

    public static Task InitializeAsync(IBlobStore store, CancellationToken cancellationToken) =>
        store.CreateContainerIfNotExistsAsync(Container, cancellationToken);

    /// <summary>Waits for this host's background work (reshards, deletions) to finish; for tests.</summary>
    public async Task WhenIdleAsync(CancellationToken cancellationToken = default)
    {
        while (!_background.IsEmpty)
        {
            await Task.WhenAll(_background.Values).WaitAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_background.Values).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            // Stopping: unfinished background work is finished by the next host's maintenance.
        }

        foreach (var lazy in _shards.Values)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
            {
                await (await lazy.Value).DisposeAsync();
            }
        }

        _stopping.Dispose();
    }

    private string Account => _options.AccountId;

    private async Task<StreamDocument> RequireStreamAsync(string name, bool fresh, CancellationToken cancellationToken)
    {
        var document = await _catalog.GetAsync(name, fresh, cancellationToken);
        return document ?? throw KinesisErrors.StreamNotFound(name, Account);
    }

    private async Task<StreamDocument> RequireWritableAsync(string name, CancellationToken cancellationToken)
    {
        var document = await RequireStreamAsync(name, fresh: false, cancellationToken);
        if (document.Status is StreamStatus.Deleting or StreamStatus.Creating)
        {
            document = await RequireStreamAsync(name, fresh: true, cancellationToken);
        }

        return document.Status switch
        {
            StreamStatus.Deleting => throw KinesisErrors.StreamNotFound(name, Account),
            StreamStatus.Creating => throw new KinesisException(KinesisErrors.ResourceInUse, $"Stream {name} under account {Account} is still being created."),
            _ => document,
        };
    }

    private ShardEntry RequireShard(StreamDocument document, string? shardId)
    {
        if (!ShardId.TryParse(shardId, out _))
        {
            throw KinesisErrors.Constraint("shardId", shardId ?? "null", "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ and name a shard (shardId-000000000000)");
        }

        return document.FindShard(shardId!) ?? throw new KinesisException(KinesisErrors.ResourceNotFound, $"Shard {shardId} in stream {document.Name} under account {Account} does not exist");
    }

    private static string DataPrefix(StreamDocument document, string shardId) => $"data/{document.Name}/{document.Incarnation}/{shardId}";

    private Task<ShardHandle> GetShardAsync(StreamDocument document, string shardId, CancellationToken cancellationToken)
    {
        var index = ShardId.Parse(shardId).Index;
        var lazy = _shards.GetOrAdd((document.Incarnation, index), _ => new Lazy<Task<ShardHandle>>(() => OpenShardAsync(DataPrefix(document, shardId))));
        var task = lazy.Value;
        if (task.IsFaulted || task.IsCanceled)
        {
            // A failed open (storage unavailable) is not cached: the next call tries again.
            _shards.TryRemove(new KeyValuePair<(string, int), Lazy<Task<ShardHandle>>>((document.Incarnation, index), lazy));
        }

        return task.WaitAsync(cancellationToken);
    }

    private async Task<ShardHandle> OpenShardAsync(string prefix)
    {
        var log = await ShardLog.OpenAsync(_store, Container, prefix, new ShardLogOptions { SegmentMaxBytes = _options.SegmentMaxBytes }, _stopping.Token);
        var writer = new ShardWriter(log, new ShardWriterOptions { MinAppendInterval = TimeSpan.FromMilliseconds(_options.MinAppendIntervalMs), TimeProvider = _time });
        return new ShardHandle(log, writer, new ShardWriteQuota(_time));
    }

    private async Task ForgetShardsAsync(string incarnation)
    {
        foreach (var key in _shards.Keys.Where(k => k.Incarnation == incarnation).ToList())
        {
            if (_shards.TryRemove(key, out var lazy) && lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
            {
                await (await lazy.Value).DisposeAsync();
            }
        }
    }

    /// <summary>Runs work in the background, once per key at a time, tracked so disposal can wait for it.</summary>
    private void RunInBackground(string key, Func<CancellationToken, Task> work)
    {
        var outer = new Task<Task>(async () =>
        {
            try
            {
                await work(_stopping.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                // Stopping: the next maintenance pass of any host finishes the work.
            }
            catch (Exception e)
            {
                StreamLog.BackgroundFailed(_logger, key, e);
            }
            finally
            {
                _background.TryRemove(key, out _);
            }
        });

        // Registered before it starts, so it cannot finish and deregister before it is registered.
        if (_background.TryAdd(key, outer.Unwrap()))
        {
            outer.Start(TaskScheduler.Default);
        }
    }

    private void Changed(string stream, string change)
    {
        if (_logger.IsEnabled(LogLevel.Information))
        {
            StreamLog.StreamChanged(_logger, stream, change);
        }
    }

    private static string FormatTime(DateTimeOffset time) => time.ToString("O", CultureInfo.InvariantCulture);

    internal sealed record ShardHandle(ShardLog Log, ShardWriter Writer, ShardWriteQuota Quota) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Writer.DisposeAsync();
            Log.Dispose();
        }
    }
}

internal static partial class StreamLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "Background stream work {Key} failed; maintenance retries it")]
    public static partial void BackgroundFailed(ILogger logger, string key, Exception exception);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Skipped {Count} corrupt region(s) in {Stream}/{Shard}, first at segment {Segment} offset {Offset}")]
    public static partial void CorruptSkipped(ILogger logger, int count, string stream, string shard, uint segment, long offset);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Retention deleted segment {Segment} of {Stream}/{Shard}")]
    public static partial void SegmentExpired(ILogger logger, string stream, string shard, uint segment);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Stream {Stream}: {Change}")]
    public static partial void StreamChanged(ILogger logger, string stream, string change);
}
