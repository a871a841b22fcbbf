using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Platform.Streams.Client.Model;

namespace Platform.Streams.Client.Consumer;

/// <summary>
/// One enumeration of a <see cref="KinesisConsumer"/>: a coordinator that tracks shard lineage and
/// starts a reader per shard once its parents are read, and the readers (ConsumerSession.ShardReader.cs),
/// which feed one bounded channel.
/// </summary>
internal sealed partial class ConsumerSession : IAsyncDisposable
{
    private readonly IKinesisClient _client;
    private readonly KinesisConsumerOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly CancellationTokenSource _stop;
    private readonly Channel<ConsumedRecord> _records;
    private readonly Channel<ShardOutcome> _outcomes;
    private readonly ShardLineage _lineage;
    private readonly List<Task> _readers = [];
    private Task _coordinator = Task.CompletedTask;

    public ConsumerSession(IKinesisClient client, KinesisConsumerOptions options, ILogger logger, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        _client = client;
        _options = options;
        _logger = logger;
        _timeProvider = timeProvider;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _records = Channel.CreateBounded<ConsumedRecord>(new BoundedChannelOptions(options.MaxBufferedRecords)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _outcomes = Channel.CreateBounded<ShardOutcome>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
        _lineage = new ShardLineage(options.StartPosition);
    }

    public ChannelReader<ConsumedRecord> Records => _records.Reader;

    public void Start() => _coordinator = Task.Run(() => CoordinateAsync(_stop.Token));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();

        // The coordinator starts readers, so wait for it before taking the list of readers.
        await _coordinator;
        foreach (var reader in _readers)
        {
            try
            {
                await reader;
            }
            catch (OperationCanceledException)
            {
            }
        }

        _stop.Dispose();
    }

    private async Task CoordinateAsync(CancellationToken cancellationToken)
    {
        try
        {
            _lineage.AddListed(await ListShardsAsync(cancellationToken), atStart: true);
            var nextDiscovery = _timeProvider.GetUtcNow() + _options.ShardDiscoveryInterval;
            while (true)
            {
                StartReadyShards(cancellationToken);
                var outcome = await NextOutcomeAsync(nextDiscovery - _timeProvider.GetUtcNow(), cancellationToken);
                if (outcome is null)
                {
                    _lineage.AddListed(await ListShardsAsync(cancellationToken), atStart: false);
                    nextDiscovery = _timeProvider.GetUtcNow() + _options.ShardDiscoveryInterval;
                    continue;
                }

                if (outcome.Error is { } error)
                {
                    // A shard failed for good (the stream was deleted, access was revoked): end the enumeration with it.
                    _records.Writer.TryComplete(error);
                    await _stop.CancelAsync();
                    return;
                }

                _lineage.Finished(outcome.ShardId);
                ClientLog.ShardFinished(_logger, _options.StreamName, outcome.ShardId);
                if (outcome.Children is { Count: > 0 } children)
                {
                    _lineage.AddChildren(children);
                }
                else
                {
                    // The service did not name the children (older implementations do not): ask now rather than at the next discovery.
                    _lineage.AddListed(await ListShardsAsync(cancellationToken), atStart: false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _records.Writer.TryComplete();
        }
        catch (Exception e)
        {
            _records.Writer.TryComplete(e);
            await _stop.CancelAsync();
        }
    }

    private void StartReadyShards(CancellationToken cancellationToken)
    {
        foreach (var (shardId, start) in _lineage.StartReady())
        {
            _readers.Add(Task.Run(() => ReadShardAsync(shardId, start, cancellationToken), CancellationToken.None));
        }
    }

    /// <summary>The next shard outcome, or null when <paramref name="timeout"/> passes first (time to look for new shards).</summary>
    private async Task<ShardOutcome?> NextOutcomeAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_outcomes.Reader.TryRead(out var ready))
        {
            return ready;
        }

        if (timeout <= TimeSpan.Zero)
        {
            return null;
        }

        using var timer = new CancellationTokenSource(timeout, _timeProvider);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            return await _outcomes.Reader.ReadAsync(either.Token);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Every page of ListShards, retrying transient errors.</summary>
    private async Task<List<Shard>> ListShardsAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var shards = new List<Shard>();
                string? nextToken = null;
                do
                {
                    var page = await _client.ListShardsAsync(
                        nextToken is null ? new ListShardsRequest { StreamName = _options.StreamName } : new ListShardsRequest { NextToken = nextToken },
                        cancellationToken);
                    shards.AddRange(page.Shards);
                    nextToken = page.NextToken;
                }
                while (nextToken is not null);

                return shards;
            }
            catch (KinesisException e) when (e.IsTransient)
            {
                var delay = Backoff(attempt);
                ClientLog.ListShardsRetrying(_logger, _options.StreamName, e.ErrorType, delay, e);
                await Task.Delay(delay, _timeProvider, cancellationToken);
            }
        }
    }

    private TimeSpan Backoff(int attempt) => RetryBackoff.Delay(attempt, _options.MinBackoff, _options.MaxBackoff, Random.Shared.NextDouble());
}
