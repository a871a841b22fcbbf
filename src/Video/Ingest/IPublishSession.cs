using Platform.Video.Media;

namespace Platform.Video.Ingest;

/// <summary>
/// One live publisher on one stream. Calls come from the publisher's connection, one at a time (not concurrently).
/// Disposing ends the publish: the partial fragment in progress is stored, the stream becomes free for the next publisher.
/// </summary>
public interface IPublishSession : IAsyncDisposable
{
    string StreamName { get; }

    /// <summary>Declares (or changes) a track's codec configuration; must precede that track's first access unit.</summary>
    ValueTask SetTrackAsync(TrackConfig config, CancellationToken cancellationToken);

    /// <summary>
    /// Adds one access unit. Units of one track arrive in decode order. The unit's data is borrowed until the returned
    /// task completes: the caller may then reuse the buffer, so a session that keeps the bytes copies them first.
    /// </summary>
    /// <exception cref="InvalidDataException">The unit is unusable (no configuration for its track, timestamps going
    /// backwards beyond repair); the protocol should close the publisher with that reason.</exception>
    ValueTask WriteAsync(AccessUnit unit, CancellationToken cancellationToken);
}
