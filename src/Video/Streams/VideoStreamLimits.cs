namespace Platform.Video.Streams;

/// <summary>Limits of video stream resources, as Kinesis Video Streams states them.</summary>
public static class VideoStreamLimits
{
    /// <summary>Longest data retention (10 years, as Kinesis Video Streams allows).</summary>
    public const int MaxRetentionHours = 87_600;

    public const int MaxNameLength = 256;

    public const int MaxListResults = 10_000;
}
