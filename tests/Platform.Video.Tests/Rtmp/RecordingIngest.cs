using System.Collections.Concurrent;
using Platform.Video.Ingest;
using Platform.Video.Media;

namespace Platform.Video.Tests.Rtmp;

/// <summary>
/// The boundary the RTMP server hands media to, recording what it gets: one live publisher per stream (a second is
/// refused as busy, as the real ingest does), and optional keys per stream.
/// </summary>
internal sealed class RecordingIngest : IMediaIngest
{
    private readonly ConcurrentDictionary<string, RecordingSession> _live = new();
    private readonly ConcurrentQueue<RecordingSession> _all = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<RecordingSession>> _started = new();

    /// <summary>Publish keys enforced per stream name.</summary>
    public ConcurrentDictionary<string, string> Keys { get; } = new();

    public IReadOnlyCollection<RecordingSession> Sessions => _all;

    public ValueTask<IPublishSession> StartPublishAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        if (Keys.TryGetValue(request.StreamName, out var key) && key != request.Credential)
        {
            throw new PublishRejectedException(PublishRejection.BadCredential, $"Wrong publish key for {request.StreamName}.");
        }

        var session = new RecordingSession(request, this);
        if (!_live.TryAdd(request.StreamName, session))
        {
            throw new PublishRejectedException(PublishRejection.StreamBusy, $"{request.StreamName} already has a live publisher.");
        }

        _all.Enqueue(session);
        Started(request.StreamName).TrySetResult(session);
        return ValueTask.FromResult<IPublishSession>(session);
    }

    public Task<RecordingSession> WaitForSessionAsync(string streamName, TimeSpan timeout) => Started(streamName).Task.WaitAsync(timeout);

    internal void Ended(RecordingSession session) => _live.TryRemove(new KeyValuePair<string, RecordingSession>(session.StreamName, session));

    private TaskCompletionSource<RecordingSession> Started(string streamName) =>
        _started.GetOrAdd(streamName, static _ => new TaskCompletionSource<RecordingSession>(TaskCreationOptions.RunContinuationsAsynchronously));
}

internal sealed class RecordingSession(PublishRequest request, RecordingIngest owner) : IPublishSession
{
    private readonly List<TrackConfig> _configs = [];
    private readonly List<AccessUnit> _units = [];
    private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PublishRequest Request { get; } = request;

    public string StreamName => Request.StreamName;

    /// <summary>When set, <see cref="WriteAsync"/> throws <see cref="InvalidDataException"/> for units it matches.</summary>
    public Func<AccessUnit, bool>? RejectUnit { get; set; }

    public Task Disposed => _disposed.Task;

    public IReadOnlyList<TrackConfig> Configs
    {
        get
        {
            lock (_configs)
            {
                return [.. _configs];
            }
        }
    }

    public IReadOnlyList<AccessUnit> Units
    {
        get
        {
            lock (_units)
            {
                return [.. _units];
            }
        }
    }

    public int UnitCount
    {
        get
        {
            lock (_units)
            {
                return _units.Count;
            }
        }
    }

    public ValueTask SetTrackAsync(TrackConfig config, CancellationToken cancellationToken)
    {
        lock (_configs)
        {
            _configs.Add(config);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask WriteAsync(AccessUnit unit, CancellationToken cancellationToken)
    {
        if (RejectUnit?.Invoke(unit) == true)
        {
            throw new InvalidDataException("test session refuses this unit");
        }

        lock (_units)
        {
            // The data is borrowed for this call only (the connection reuses its message buffers).
            _units.Add(unit with { Data = unit.Data.ToArray() });
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        owner.Ended(this);
        _disposed.TrySetResult();
        return ValueTask.CompletedTask;
    }
}
