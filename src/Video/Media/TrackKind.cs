namespace Platform.Video.Media;

/// <summary>The kind of media a track carries.</summary>
public enum TrackKind
{
    Video,
    Audio,
}
