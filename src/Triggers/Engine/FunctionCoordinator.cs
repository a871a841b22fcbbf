using Microsoft.Extensions.Logging;
using Platform.Streams.Control;
using Platform.Streams.Service;
using Platform.Triggers.Leases;
using Platform.Triggers.Metrics;
using Platform.Triggers.Settings;

namespace Platform.Triggers.Engine;

/// <summary>
/// Keeps one function's shards processed by exactly one live host: each round it lists the function's leases (one
/// call), the live hosts and the stream's shards; claims free or orphaned shards up to its fair share (children only
/// once their parents are finished); asks the busiest host for one when short; hands over shards others asked for
/// after draining them; and stops processors whose lease moved elsewhere.
/// </summary>
public sealed partial class FunctionCoordinator
{
    private readonly TriggeredFunction _function;
    private readonly StreamService _streams;
    private readonly ILeaseStore _leases;
    private readonly IServiceProvider _services;
    private readonly FunctionMetrics _metrics;
    private readonly StreamsExtensionOptions _host;
    private readonly HostIdentity _identity;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, ShardProcessor> _running = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task> _handovers = new(StringComparer.Ordinal);
    private string? _missingLogged;

    public FunctionCoordinator(TriggeredFunction function, StreamService streams, ILeaseStore leases, IServiceProvider services, FunctionMetrics metrics,
        StreamsExtensionOptions host, HostIdentity identity, TimeProvider time, ILogger logger)
    {
        _function = function;
        _streams = streams;
        _leases = leases;
        _services = services;
        _metrics = metrics;
        _host = host;
        _identity = identity;
        _time = time;
        _logger = logger;
    }

    /// <summary>Shards this host is processing for the function now.</summary>
    public IReadOnlyCollection<string> OwnedShards => [.. _running.Keys];

    /// <summary>
    /// When the first lease another host holds becomes claimable if that host has stopped heartbeating (its last
    /// heartbeat plus the failover time, as of the last round); null when others hold none. The host runs a round
    /// then rather than up to a round interval later, so a crashed host's shards move at the failover time.
    /// </summary>
    public DateTimeOffset? NextOrphaning { get; private set; }

    private TimeSpan Failover => TimeSpan.FromSeconds(_host.LeaseFailoverSeconds);

    private TimeSpan Drain => TimeSpan.FromSeconds(_host.DrainTimeoutSeconds);

    /// <summary>One balancing round. Storage faults are logged and retried next round.</summary>
    public async Task RunRoundAsync(CancellationToken cancellationToken)
    {
        var settings = _function.Settings;
        StreamDocument stream;
        try
        {
            stream = await _streams.DescribeAsync(settings.Stream, cancellationToken);
        }
        catch (KinesisException e) when (e.ErrorType == KinesisErrors.ResourceNotFound)
        {
            if (_missingLogged != settings.Stream)
            {
                _missingLogged = settings.Stream;
                Log.StreamMissing(_logger, _function.Name, settings.Stream);
            }

            NextOrphaning = null;
            await StopAllAsync(release: false);
            return;
        }

        _missingLogged = null;
        var incarnation = stream.Incarnation;
        var leases = (await _leases.ListAsync(_function.Name, settings.Stream, incarnation, cancellationToken)).ToDictionary(l => l.State.ShardId, StringComparer.Ordinal);
        var live = await _leases.LiveHostsAsync(_time.GetUtcNow() - Failover, cancellationToken);
        NextOrphaning = LeaseBalancer.NextOrphaning(_identity.Id, live, leases.Values.Select(l => l.State), Failover);

        // Processors whose lease moved, was asked for, or that ended.
        foreach (var (shard, processor) in _running.ToList())
        {
            var lease = leases.GetValueOrDefault(shard)?.State;
            if (processor.Completion.IsCompleted)
            {
                _running.Remove(shard);
                processor.Dispose();
                continue;
            }

            if (lease is null || lease.Owner != _identity.Id)
            {
                Log.LeaseTaken(_logger, _function.Name, shard, lease?.Owner);
                _running.Remove(shard);
                _handovers[shard] = Finish(processor, processor.AbandonAsync());
            }
            else if (lease.ReleaseRequestedBy is { } requester && requester != _identity.Id)
            {
                Log.HandingOver(_logger, _function.Name, shard, requester);
                _running.Remove(shard);
                _handovers[shard] = Finish(processor, processor.StopAsync(Drain, release: true));
            }
        }

        foreach (var (shard, task) in _handovers.ToList())
        {
            if (task.IsCompleted)
            {
                _handovers.Remove(shard);
            }
        }

        // A handover whose final release write failed leaves the lease ours with a request on it: release it now,
        // or the asking host would wait for a shard nobody processes.
        foreach (var (shard, lease) in leases)
        {
            if (lease.State.Owner == _identity.Id && lease.State.ReleaseRequestedBy is { } asker && asker != _identity.Id &&
                !_running.ContainsKey(shard) && !_handovers.ContainsKey(shard))
            {
                var fresh = await _leases.ReadAsync(_function.Name, settings.Stream, incarnation, shard, cancellationToken);
                if (fresh is not null && fresh.State.Owner == _identity.Id)
                {
                    await _leases.TryWriteAsync(_function.Name, settings.Stream, incarnation, fresh.State with { Owner = null, ReleaseRequestedBy = null }, fresh, cancellationToken);
                }
            }
        }
        if (!_identity.HeartbeatFresh(Failover))
        {
            return;
        }

        var shardIds = stream.Shards.Select(s => s.ShardId).ToHashSet(StringComparer.Ordinal);
        bool ParentDone(string? parent) => parent is null || !shardIds.Contains(parent) || (leases.TryGetValue(parent, out var p) && p.State.Finished);
        var eligible = stream.Shards
            .Where(s => !(leases.TryGetValue(s.ShardId, out var l) && l.State.Finished))
            .Where(s => ParentDone(s.ParentShardId) && ParentDone(s.AdjacentParentShardId))
            .Select(s => s.ShardId)
            .ToList();
        var states = leases.ToDictionary(l => l.Key, l => l.Value.State, StringComparer.Ordinal);
        foreach (var (shard, _) in _running)
        {
            // Ours in memory even if a listing raced with our write.
            states[shard] = states.TryGetValue(shard, out var s) ? s with { Owner = _identity.Id } : new LeaseState { ShardId = shard, Owner = _identity.Id };
        }

        var plan = LeaseBalancer.Plan(_identity.Id, [.. live.Keys], eligible, states);
        foreach (var shard in plan.Claim)
        {
            if (!_running.ContainsKey(shard) && !_handovers.ContainsKey(shard))
            {
                await TryClaimAsync(shard, incarnation, cancellationToken);
            }
        }

        // A processor that stopped on its own (a failed read, a heartbeat too old to invoke safely) leaves the lease
        // ours, which the balancer counts as held: resume it, or the shard would stall until this host restarts.
        foreach (var shard in eligible)
        {
            if (!_running.ContainsKey(shard) && !_handovers.ContainsKey(shard) && states.TryGetValue(shard, out var own) && own.Owner == _identity.Id && own.ReleaseRequestedBy is null)
            {
                await TryClaimAsync(shard, incarnation, cancellationToken);
            }
        }

        if (plan.RequestRelease is { } wanted)
        {
            var current = await _leases.ReadAsync(_function.Name, settings.Stream, incarnation, wanted, cancellationToken);
            if (current is not null && current.State.Owner is not null && current.State.Owner != _identity.Id && current.State.ReleaseRequestedBy is null)
            {
                await _leases.TryWriteAsync(_function.Name, settings.Stream, incarnation, current.State with { ReleaseRequestedBy = _identity.Id }, current, cancellationToken);
            }
        }
    }

    private async Task TryClaimAsync(string shard, string incarnation, CancellationToken cancellationToken)
    {
        var settings = _function.Settings;
        var current = await _leases.ReadAsync(_function.Name, settings.Stream, incarnation, shard, cancellationToken);
        if (current is not null && current.State.Finished)
        {
            return;
        }

        if (current?.State.Owner is { } holder && holder != _identity.Id &&
            (await _leases.LiveHostsAsync(_time.GetUtcNow() - Failover, cancellationToken)).ContainsKey(holder))
        {
            return;
        }

        var state = (current?.State ?? new LeaseState { ShardId = shard }) with { Owner = _identity.Id, ReleaseRequestedBy = null };
        if (state.Checkpoint is null && state.StartedAt is null)
        {
            state = state with { StartedAt = _time.GetUtcNow() };
        }

        var claimed = await _leases.TryWriteAsync(_function.Name, settings.Stream, incarnation, state, current, cancellationToken);
        if (claimed is null)
        {
            return;
        }

        Log.Claimed(_logger, _function.Name, shard, current?.State.Owner, claimed.State.Checkpoint?.SequenceNumber);
        var handle = new LeaseHandle(_leases, _function.Name, settings.Stream, incarnation, _identity.Id, claimed);
        var processor = new ShardProcessor(_function, _streams, handle, _services, _metrics, _host,
            StreamNames.StreamArn(_streams.Options, settings.Stream), () => _identity.HeartbeatFresh(Failover * 0.6), _time, _logger);
        _running[shard] = processor;
        processor.Start();
    }

    /// <summary>Stops every processor: drains in-flight batches, checkpoints and (when <paramref name="release"/>) frees the leases.</summary>
    public async Task StopAllAsync(bool release)
    {
        var stopping = _running.Values.Select(p => Finish(p, p.StopAsync(Drain, release))).Concat(_handovers.Values).ToList();
        _running.Clear();
        _handovers.Clear();
        await Task.WhenAll(stopping);
    }

    /// <summary>Waits for a processor to stop (never throwing) and then frees its resources.</summary>
    private async Task Finish(ShardProcessor processor, Task stopping)
    {
        try
        {
            await stopping;
        }
        catch (Exception e)
        {
            Log.StopFailed(_logger, _function.Name, processor.ShardId, e);
        }
        finally
        {
            processor.Dispose();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Function {Function}: stream {Stream} does not exist; waiting for it")]
        public static partial void StreamMissing(ILogger logger, string function, string stream);

        [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Function {Function} claimed shard {Shard} (from {PreviousOwner}), resuming at {Checkpoint}")]
        public static partial void Claimed(ILogger logger, string function, string shard, string? previousOwner, string? checkpoint);

        [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "Function {Function}: shard {Shard} is now owned by {Owner}; stopping here")]
        public static partial void LeaseTaken(ILogger logger, string function, string shard, string? owner);

        [LoggerMessage(EventId = 4105, Level = LogLevel.Warning, Message = "Function {Function}: stopping shard {Shard} failed")]
        public static partial void StopFailed(ILogger logger, string function, string shard, Exception exception);

        [LoggerMessage(EventId = 4104, Level = LogLevel.Information, Message = "Function {Function}: handing shard {Shard} over to {Host}")]
        public static partial void HandingOver(ILogger logger, string function, string shard, string host);
    }
}
