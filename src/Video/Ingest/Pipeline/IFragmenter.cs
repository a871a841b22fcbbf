using Platform.Video.Media;

namespace Platform.Video.Ingest.Pipeline;

/// <summary>
/// The fragmenter as a publish session drives it: track configurations and access units in, init segments and media
/// fragments out (appended to the given collection). Pure and synchronous; one instance per publish session.
/// </summary>
public interface IFragmenter
{
    /// <summary>Declares or changes a track's configuration (a change may close the fragment in progress).</summary>
    void SetTrack(TrackConfig config, ICollection<FragmentOutput> output);

    /// <summary>Adds one access unit.</summary>
    /// <exception cref="InvalidDataException">The unit is unusable (no configuration for its track, timestamps beyond repair).</exception>
    void Add(AccessUnit unit, ICollection<FragmentOutput> output);

    /// <summary>Closes the fragment in progress (the session ends).</summary>
    void Flush(ICollection<FragmentOutput> output);
}
