using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Platform.Video.Ingest.Pipeline;
using Platform.Video.Store;
using Platform.Video.Streams;

namespace Platform.Video.Ingest;

/// <summary>
/// Where RTMP and WHIP hand their publishers: checks the stream name, creates unknown streams when
/// <c>AutoCreateStreams</c> is on, enforces a stream's publish key, allows one live publisher per stream (per host in
/// memory, across hosts by the publisher claim in the stream document) and runs the fragmenter into the fragment store.
/// </summary>
public sealed class VideoIngest : IMediaIngest
{
    private readonly VideoStreamCatalog _catalog;
    private readonly FragmentStore _store;
    private readonly Func<DateTimeOffset, IFragmenter> _fragmenters;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, string> _live = new(StringComparer.Ordinal);

    /// <param name="catalog">The video streams.</param>
    /// <param name="store">Where fragments go.</param>
    /// <param name="fragmenters">Makes the fragmenter of a session starting at the given time.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">Logs publishes and refusals.</param>
    public VideoIngest(VideoStreamCatalog catalog, FragmentStore store, Func<DateTimeOffset, IFragmenter> fragmenters, TimeProvider time, ILogger<VideoIngest> logger)
    {
        _catalog = catalog;
        _store = store;
        _fragmenters = fragmenters;
        _time = time;
        _logger = logger;
    }

    /// <summary>Names this host in publisher claims.</summary>
    public string HostId { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>Streams with a live publisher on this host.</summary>
    public int LiveCount => _live.Count;

    /// <inheritdoc />
    public async ValueTask<IPublishSession> StartPublishAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        var name = request.StreamName;
        if (!VideoStreamNames.IsValid(name))
        {
            throw Refuse(request, PublishRejection.InvalidStreamName, $"'{name}' is not a valid stream name: use 1 to {VideoStreamLimits.MaxNameLength} characters of [a-zA-Z0-9_.-].");
        }

        var stream = await FindOrCreateAsync(request, cancellationToken);
        if (stream.PublishKey is { } key && !KeyMatches(key, request.Credential))
        {
            throw Refuse(request, PublishRejection.BadCredential, $"The publish key for stream {name} is {(request.Credential is null ? "missing" : "wrong")}.");
        }

        var sessionId = Guid.NewGuid().ToString("N")[..16];
        if (!_live.TryAdd(name, sessionId))
        {
            throw Refuse(request, PublishRejection.StreamBusy, $"Stream {name} already has a live publisher.");
        }

        var claimed = false;
        try
        {
            var timeout = _catalog.Options.PublisherClaimTimeout;
            var claim = new PublisherClaim(sessionId, HostId, request.Protocol, _time.GetUtcNow() + timeout);
            VideoStreamDocument? holder;
            try
            {
                holder = await _catalog.TryClaimPublisherAsync(name, claim, cancellationToken);
            }
            catch (VideoStreamException e) when (e.ErrorType == VideoStreamErrors.ResourceNotFound)
            {
                throw Refuse(request, PublishRejection.StreamNotFound, $"Stream {name} does not exist.");
            }

            if (holder is null)
            {
                throw Refuse(request, PublishRejection.StreamBusy, $"Stream {name} already has a live publisher on another host.");
            }

            claimed = true;
            FragmentAppender appender;
            try
            {
                appender = await _store.OpenWriterAsync(name, sessionId, cancellationToken);
            }
            catch (KeyNotFoundException)
            {
                throw Refuse(request, PublishRejection.StreamNotFound, $"Stream {name} was deleted.");
            }

            var session = new PublishSession(this, sessionId, appender, _fragmenters(_time.GetUtcNow()), _catalog, _time, timeout, _logger);
            VideoLog.PublishStarted(_logger, name, request.Protocol, request.RemoteAddress, sessionId);
            return session;
        }
        catch
        {
            _live.TryRemove(new KeyValuePair<string, string>(name, sessionId));
            if (claimed)
            {
                await _catalog.ReleasePublisherAsync(name, sessionId, CancellationToken.None);
            }

            throw;
        }
    }

    /// <summary>Frees the stream once a session has stored its last fragment.</summary>
    internal async Task EndAsync(PublishSession session, long fragments)
    {
        try
        {
            await _catalog.ReleasePublisherAsync(session.StreamName, session.SessionId, CancellationToken.None);
        }
        finally
        {
            _live.TryRemove(new KeyValuePair<string, string>(session.StreamName, session.SessionId));
            VideoLog.PublishEnded(_logger, session.StreamName, fragments, session.SessionId);
        }
    }

    private async Task<VideoStreamDocument> FindOrCreateAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        var name = request.StreamName;
        var stream = await _catalog.GetDocumentAsync(name, fresh: true, cancellationToken);
        if (stream is null && _catalog.Options.AutoCreateStreams)
        {
            try
            {
                await _catalog.CreateAsync(new CreateVideoStreamRequest(name) { MediaType = "video/h264" }, cancellationToken);
                VideoLog.StreamAutoCreated(_logger, name);
            }
            catch (VideoStreamException e) when (e.ErrorType == VideoStreamErrors.ResourceInUse)
            {
                // Another publisher or host created it first.
            }

            stream = await _catalog.GetDocumentAsync(name, fresh: true, cancellationToken);
        }

        return stream is { Status: VideoStreamStatus.Active }
            ? stream
            : throw Refuse(request, PublishRejection.StreamNotFound, $"Stream {name} does not exist{(_catalog.Options.AutoCreateStreams ? " (it is being deleted)" : "; create it first")}.");
    }

    private static bool KeyMatches(string key, string? credential) =>
        credential is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(key)), SHA256.HashData(Encoding.UTF8.GetBytes(credential)));

    private PublishRejectedException Refuse(PublishRequest request, PublishRejection reason, string message)
    {
        VideoLog.PublishRefused(_logger, request.StreamName, request.Protocol, request.RemoteAddress, message);
        return new PublishRejectedException(reason, message);
    }
}
