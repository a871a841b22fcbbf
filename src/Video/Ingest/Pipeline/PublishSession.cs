using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Platform.Video.Media;
using Platform.Video.Store;
using Platform.Video.Streams;

namespace Platform.Video.Ingest.Pipeline;

/// <summary>
/// One live publisher: access units go through the fragmenter on the publisher's call, its outputs through a bounded
/// channel to a writer loop that stores them, so storage latency is absorbed up to the channel's capacity and beyond
/// that slows the publisher (back-pressure) instead of growing memory. A background loop keeps the publisher claim alive.
/// </summary>
internal sealed class PublishSession : IPublishSession
{
    private const int QueuedOutputs = 8;
    private readonly VideoIngest _owner;
    private readonly FragmentAppender _appender;
    private readonly IFragmenter _fragmenter;
    private readonly VideoStreamCatalog _catalog;
    private readonly TimeProvider _time;
    private readonly TimeSpan _claimTimeout;
    private readonly ILogger _logger;
    private readonly List<FragmentOutput> _pending = [];
    private readonly Channel<FragmentOutput> _outputs = Channel.CreateBounded<FragmentOutput>(new BoundedChannelOptions(QueuedOutputs)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
        SingleWriter = true,
    });

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _writing;
    private readonly Task _renewing;
    private Exception? _failure;
    private int _disposed;

    public PublishSession(VideoIngest owner, string sessionId, FragmentAppender appender, IFragmenter fragmenter, VideoStreamCatalog catalog, TimeProvider time, TimeSpan claimTimeout, ILogger logger)
    {
        _owner = owner;
        SessionId = sessionId;
        _appender = appender;
        _fragmenter = fragmenter;
        _catalog = catalog;
        _time = time;
        _claimTimeout = claimTimeout;
        _logger = logger;
        _writing = Task.Run(WriteLoopAsync);
        _renewing = Task.Run(RenewLoopAsync);
    }

    public string StreamName => _appender.StreamName;

    public string SessionId { get; }

    public async ValueTask SetTrackAsync(TrackConfig config, CancellationToken cancellationToken)
    {
        ThrowIfUnusable();
        _fragmenter.SetTrack(config, _pending);
        await QueuePendingAsync(cancellationToken);
    }

    public async ValueTask WriteAsync(AccessUnit unit, CancellationToken cancellationToken)
    {
        ThrowIfUnusable();
        _fragmenter.Add(unit, _pending);
        await QueuePendingAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            // The fragment in progress is stored too: a publisher that stops loses nothing it sent.
            if (_failure is null)
            {
                _fragmenter.Flush(_pending);
                await QueuePendingAsync(CancellationToken.None);
            }
        }
        catch (InvalidDataException)
        {
            // Nothing usable was in progress.
        }
        finally
        {
            _outputs.Writer.TryComplete();
            await _writing;
            await _stop.CancelAsync();
            await _renewing;
            _stop.Dispose();
            _appender.Close();
            await _owner.EndAsync(this, _appender.FragmentsWritten);
        }
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Volatile.Read(ref _failure) is { } failure)
        {
            throw new IOException($"Publishing to {StreamName} stopped: {failure.Message}", failure);
        }
    }

    private async ValueTask QueuePendingAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var output in _pending)
            {
                await _outputs.Writer.WriteAsync(output, cancellationToken);
            }
        }
        catch (ChannelClosedException)
        {
            ThrowIfUnusable();
            throw;
        }
        finally
        {
            _pending.Clear();
        }
    }

    private async Task WriteLoopAsync()
    {
        await foreach (var output in _outputs.Reader.ReadAllAsync())
        {
            if (_failure is not null)
            {
                continue;
            }

            try
            {
                switch (output)
                {
                    case InitSegment init:
                        await _appender.WriteInitAsync(init, CancellationToken.None);
                        break;
                    case MediaFragment fragment:
                        await _appender.WriteFragmentAsync(fragment, CancellationToken.None);
                        break;
                }
            }
            catch (Exception e)
            {
                VideoLog.StoreFailed(_logger, StreamName, SessionId, e);
                Volatile.Write(ref _failure, e);
            }
        }
    }

    private async Task RenewLoopAsync()
    {
        var interval = _claimTimeout / 3;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, _time, _stop.Token);
                if (!await _catalog.RenewPublisherAsync(StreamName, SessionId, _time.GetUtcNow() + _claimTimeout, _stop.Token))
                {
                    VideoLog.ClaimLost(_logger, StreamName, SessionId);
                    Volatile.Write(ref _failure, new IOException("another publisher took the stream over, or the stream was deleted"));
                    return;
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                VideoLog.ClaimRenewFailed(_logger, StreamName, SessionId, e);
            }
        }
    }
}
