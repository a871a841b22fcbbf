namespace Platform.Video.Ingest;

/// <summary>
/// Where every ingest protocol (RTMP, WHIP) hands its media: it opens a publish session per publisher and feeds it
/// access units. The implementation owns stream creation, publish keys, the one-publisher-per-stream rule, the
/// fragmenter and the fragment store.
/// </summary>
public interface IMediaIngest
{
    /// <summary>Starts publishing to a stream.</summary>
    /// <exception cref="PublishRejectedException">The stream is unknown (and auto-create is off), the credential is
    /// wrong, or another publisher is live on it. The message names the reason; protocols map it to their own error.</exception>
    ValueTask<IPublishSession> StartPublishAsync(PublishRequest request, CancellationToken cancellationToken);
}
