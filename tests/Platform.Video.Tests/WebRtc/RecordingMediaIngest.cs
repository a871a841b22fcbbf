using Platform.Video.Ingest;
using Platform.Video.Media;

namespace Platform.Video.Tests.WebRtc;

/// <summary>An <see cref="IMediaIngest"/> that records what a protocol hands it, and can refuse publishers.</summary>
internal sealed class RecordingMediaIngest : IMediaIngest
{
    private readonly object _lock = new();
    private readonly List<RecordingPublishSession> _sessions = [];

    public PublishRejectedException? Reject { get; set; }

    public string? LastCredential { get; private set; }

    public IReadOnlyList<RecordingPublishSession> Sessions
    {
        get
        {
            lock (_lock)
            {
                return [.. _sessions];
            }
        }
    }

    public ValueTask<IPublishSession> StartPublishAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        LastCredential = request.Credential;
        if (Reject is { } reject)
        {
            throw reject;
        }

        var session = new RecordingPublishSession(request.StreamName);
        lock (_lock)
        {
            _sessions.Add(session);
        }

        return ValueTask.FromResult<IPublishSession>(session);
    }
}

internal sealed class RecordingPublishSession(string streamName) : IPublishSession
{
    private readonly object _lock = new();
    private readonly List<TrackConfig> _configs = [];
    private readonly List<AccessUnit> _units = [];
    private int _calls;

    public string StreamName { get; } = streamName;

    public bool Disposed { get; private set; }

    /// <summary>Set when two calls overlapped or a unit came before its track's configuration.</summary>
    public string? ContractViolation { get; private set; }

    public IReadOnlyList<TrackConfig> Configs
    {
        get
        {
            lock (_lock)
            {
                return [.. _configs];
            }
        }
    }

    public IReadOnlyList<AccessUnit> Units
    {
        get
        {
            lock (_lock)
            {
                return [.. _units];
            }
        }
    }

    public ValueTask SetTrackAsync(TrackConfig config, CancellationToken cancellationToken)
    {
        Enter();
        lock (_lock)
        {
            _configs.Add(config);
        }

        Interlocked.Decrement(ref _calls);
        return ValueTask.CompletedTask;
    }

    public ValueTask WriteAsync(AccessUnit unit, CancellationToken cancellationToken)
    {
        Enter();
        lock (_lock)
        {
            if (!_configs.Exists(c => c.Kind == unit.Track))
            {
                ContractViolation ??= $"{unit.Track} unit before its track configuration";
            }

            var previous = _units.FindLast(u => u.Track == unit.Track);
            if (previous is not null && unit.Dts < previous.Dts)
            {
                ContractViolation ??= $"{unit.Track} DTS went backwards ({previous.Dts} then {unit.Dts})";
            }

            _units.Add(unit);
        }

        Interlocked.Decrement(ref _calls);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }

    private void Enter()
    {
        if (Interlocked.Increment(ref _calls) != 1)
        {
            ContractViolation ??= "overlapping calls";
        }
    }
}
