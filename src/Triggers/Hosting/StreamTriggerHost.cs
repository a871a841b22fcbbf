using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Streams.Service;
using Platform.Triggers.Engine;
using Platform.Triggers.Leases;
using Platform.Triggers.Metrics;
using Platform.Triggers.Settings;

namespace Platform.Triggers.Hosting;

/// <summary>
/// Runs every stream-triggered function of the app: a heartbeat proving this host alive, and per function a
/// coordinator round every third of the failover time. On shutdown it drains in-flight batches (up to the drain
/// timeout), checkpoints, releases its shards and removes its heartbeat so other hosts take over at once.
/// </summary>
public sealed partial class StreamTriggerHost : BackgroundService
{
    private readonly TriggeredFunctionCatalog _catalog;
    private readonly ILeaseStore _leases;
    private readonly HostIdentity _identity;
    private readonly StreamsExtensionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<StreamTriggerHost> _logger;
    private readonly List<FunctionCoordinator> _coordinators;
    private readonly CancellationTokenSource _heartbeatStop = new();
    private readonly SemaphoreSlim _roundGate = new(1, 1);
    private static readonly TimeSpan OrphaningMargin = TimeSpan.FromMilliseconds(50);
    private volatile bool _stopping;
    private Task _heartbeats = Task.CompletedTask;

    public StreamTriggerHost(TriggeredFunctionCatalog catalog, ILeaseStore leases, HostIdentity identity, StreamService streams, IServiceProvider services,
        FunctionMetrics metrics, IOptions<StreamsExtensionOptions> options, TimeProvider time, ILogger<StreamTriggerHost> logger)
    {
        _catalog = catalog;
        _leases = leases;
        _identity = identity;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _coordinators = [.. catalog.Functions.Select(f => new FunctionCoordinator(f, streams, leases, services, metrics, _options, identity, time, logger))];
    }

    /// <summary>The coordinators, one per function (for tests and diagnostics).</summary>
    public IReadOnlyList<FunctionCoordinator> Coordinators => _coordinators;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_coordinators.Count == 0)
        {
            return;
        }

        foreach (var function in _catalog.Functions)
        {
            var s = function.Settings;
            Log.FunctionStarted(_logger, s.FunctionName, s.Stream, s.BatchSize, s.MaximumBatchingWindow.TotalSeconds, s.BisectBatchOnFunctionError, s.MaximumRetryAttempts,
                s.MaximumRecordAge?.TotalSeconds ?? -1, s.ParallelizationFactor, s.ReportBatchItemFailures, s.OnFailure ?? "(none)", _identity.Id);
        }

        // Heartbeats run on their own timer, not between rounds: a slow round (several storage calls per function)
        // must not age the heartbeat past the point where this host's shard processors stop themselves. They go
        // on while stopping until the in-flight batches are drained, so nobody takes a shard that is still running.
        await HeartbeatAsync(stoppingToken);
        _heartbeats = HeartbeatLoopAsync(_heartbeatStop.Token);
        var round = TimeSpan.FromSeconds(_options.LeaseFailoverSeconds / 3);
        while (!stoppingToken.IsCancellationRequested)
        {
            await _roundGate.WaitAsync(CancellationToken.None);
            try
            {
                foreach (var coordinator in _coordinators)
                {
                    if (_stopping)
                    {
                        break;
                    }

                    try
                    {
                        await coordinator.RunRoundAsync(stoppingToken);
                    }
                    catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                    {
                        Log.RoundFailed(_logger, e);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
            }
            finally
            {
                _roundGate.Release();
            }

            try
            {
                await Task.Delay(UntilNextRound(round), _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        await base.StopAsync(cancellationToken);

        // No round may claim a shard while (or after) everything is being stopped; rounds check _stopping.
        await _roundGate.WaitAsync(CancellationToken.None);
        try
        {
            await Task.WhenAll(_coordinators.Select(c => c.StopAllAsync(release: true)));
        }
        finally
        {
            _roundGate.Release();
            await _heartbeatStop.CancelAsync();
            await _heartbeats;
            try
            {
                await _leases.RemoveHostAsync(_identity.Id, cancellationToken);
            }
            catch (Exception e)
            {
                Log.HeartbeatFailed(_logger, e);
            }
        }
    }

    public override void Dispose()
    {
        _heartbeatStop.Dispose();
        _roundGate.Dispose();
        base.Dispose();
    }

    private TimeSpan UntilNextRound(TimeSpan round) =>
        UntilNextRound(round, _coordinators.Select(c => c.NextOrphaning).Where(t => t is not null).Min(), _time.GetUtcNow());

    /// <summary>
    /// The round interval, or less when another host's leases become claimable sooner (<paramref name="orphaning"/>: its
    /// heartbeat plus the failover time): a crashed host's shards are then taken just after the failover time, not up to
    /// a round later. Never less than a small margin, so a time already past does not spin.
    /// </summary>
    internal static TimeSpan UntilNextRound(TimeSpan round, DateTimeOffset? orphaning, DateTimeOffset now)
    {
        if (orphaning is not { } at)
        {
            return round;
        }

        var until = at - now + OrphaningMargin;
        return until < round ? TimeSpan.FromTicks(Math.Max(until.Ticks, OrphaningMargin.Ticks)) : round;
    }

    private async Task HeartbeatLoopAsync(CancellationToken cancellationToken)
    {
        var period = TimeSpan.FromSeconds(_options.LeaseFailoverSeconds / 5);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(period, _time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            // A write already started is let finish (within a bound) rather than cut off: a cut-off request may still
            // reach storage after the stopping host has removed its heartbeat, bring it back, and so make the others
            // wait out the failover time for shards this host has already released.
            using var bounded = new CancellationTokenSource(HeartbeatWriteLimit);
            await HeartbeatAsync(bounded.Token);
        }
    }

    private static readonly TimeSpan HeartbeatWriteLimit = TimeSpan.FromSeconds(10);

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        try
        {
            var at = _time.GetUtcNow();
            await _leases.HeartbeatAsync(_identity.Id, at, cancellationToken);
            _identity.HeartbeatSucceeded(at);
        }
        catch (Exception e)
        {
            // Stopping: the write may be cut off; nothing to report.
            if (!cancellationToken.IsCancellationRequested)
            {
                Log.HeartbeatFailed(_logger, e);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "Function {Function} on stream {Stream}: BatchSize {BatchSize}, window {Window}s, bisect {Bisect}, retries {Retries}, max record age {Age}s, parallelization {Parallelization}, ReportBatchItemFailures {Partial}, OnFailure {OnFailure}; host {Host}")]
        public static partial void FunctionStarted(ILogger logger, string function, string stream, int batchSize, double window, bool bisect, int retries, double age, int parallelization, bool partial, string onFailure, string host);

        [LoggerMessage(EventId = 4202, Level = LogLevel.Warning, Message = "Heartbeat write failed; shards stop taking new batches if it stays failing")]
        public static partial void HeartbeatFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 4203, Level = LogLevel.Warning, Message = "A lease round failed; the next round retries")]
        public static partial void RoundFailed(ILogger logger, Exception exception);
    }
}
