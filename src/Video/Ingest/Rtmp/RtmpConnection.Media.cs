
namespace Platform.Video.Ingest.Rtmp;

/// <summary>Audio, video and aggregate messages into the publish session.</summary>
internal sealed partial class RtmpConnection
{
    private IPublishSession? _session;
    private FlvMediaMapper? _mapper;
    private bool _ignoredLogged;

    private ValueTask HandleMediaAsync(RtmpMessage message, CancellationToken cancellationToken) =>
        MapAndWriteAsync(message.TypeId, message.Timestamp, message.Memory, cancellationToken);

    private async ValueTask MapAndWriteAsync(byte typeId, uint timestamp, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (_session is null || _mapper is null)
        {
            throw new RtmpProtocolException($"{(typeId == RtmpMessageType.Video ? "video" : "audio")} before publish");
        }

        var result = typeId == RtmpMessageType.Video ? _mapper.MapVideo(timestamp, body) : _mapper.MapAudio(timestamp, body);
        if (result.Ignored is not null && !_ignoredLogged)
        {
            _ignoredLogged = true;
            RtmpLog.MediaIgnored(logger, id, result.Ignored);
        }

        if (result.Config is { } config)
        {
            RtmpLog.TrackConfigured(logger, id, config.Kind, config.Codec, config.Width, config.Height, config.SampleRate, config.Channels);
            await _session.SetTrackAsync(config, cancellationToken);
        }

        if (result.Unit is { } unit)
        {
            await _session.WriteAsync(unit, cancellationToken);
        }
    }

    /// <summary>
    /// An aggregate message (RTMP 1.0 section 7.1.6) is a run of FLV tags whose timestamps are offsets from the
    /// first one's, rebased on the message's own timestamp.
    /// </summary>
    private async ValueTask HandleAggregateAsync(RtmpMessage message, CancellationToken cancellationToken)
    {
        var payload = message.Memory;
        uint? first = null;
        var position = 0;
        while (position < payload.Length)
        {
            if (payload.Length - position < 11)
            {
                throw new RtmpProtocolException("aggregate message with a truncated FLV tag header");
            }

            var header = payload.Span.Slice(position, 11);
            var type = header[0];
            var size = (header[1] << 16) | (header[2] << 8) | header[3];
            var tagTime = (uint)((header[7] << 24) | (header[4] << 16) | (header[5] << 8) | header[6]);
            if (size + 15 > payload.Length - position)
            {
                throw new RtmpProtocolException($"aggregate message with an FLV tag of {size} bytes overrunning it");
            }

            first ??= tagTime;
            var body = payload.Slice(position + 11, size);
            if (type is RtmpMessageType.Audio or RtmpMessageType.Video)
            {
                await MapAndWriteAsync(type, unchecked(message.Timestamp + tagTime - first.Value), body, cancellationToken);
            }

            position += 11 + size + 4;
        }
    }

    /// <summary>Ends the publish (idempotent): the session stores what it has and frees the stream.</summary>
    private async Task EndPublishAsync()
    {
        var session = _session;
        if (session is null)
        {
            return;
        }

        _session = null;
        _mapper = null;
        try
        {
            // Storing the last fragment and releasing the claim block on storage: off the socket event thread.
            await Task.Run(() => session.DisposeAsync().AsTask());
        }
        finally
        {
            RtmpLog.PublishEnded(logger, id, session.StreamName);
        }
    }
}
