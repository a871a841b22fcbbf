namespace Platform.Video.Streams;

/// <summary>A stream as <c>DescribeStream</c> and <c>ListStreams</c> show it (Kinesis Video Streams' <c>StreamInfo</c>, plus the tier policy).</summary>
public sealed record VideoStreamInfo(
    string StreamName,
    string StreamARN,
    string Status,
    DateTimeOffset CreationTime,
    int DataRetentionInHours,
    string Version,
    string? MediaType,
    string? DeviceName,
    TimeSpan WarmAfter,
    bool HasPublishKey,
    bool IsLive);
