namespace Platform.Video.Streams;

/// <summary>Kinesis Video Streams' stream statuses that this platform uses (creation is immediate, so never CREATING).</summary>
public static class VideoStreamStatus
{
    public const string Active = "ACTIVE";
    public const string Deleting = "DELETING";
}
