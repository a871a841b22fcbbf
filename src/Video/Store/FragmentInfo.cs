namespace Platform.Video.Store;

/// <summary>What the index knows of one stored fragment (the fields of Kinesis Video Streams' <c>Fragment</c>, plus playback needs).</summary>
/// <param name="Number">The fragment number: monotonic per stream, across publish sessions.</param>
/// <param name="InitSegmentKey">Names the init segment that decodes it (stable, usable in a URL path segment).</param>
/// <param name="ProducerTime">The producer's timestamp of its first frame.</param>
/// <param name="ServerTime">When the platform received it.</param>
/// <param name="Duration">How long it plays.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Discontinuity">True when playback must signal a discontinuity before it (new publish session or codec change).</param>
public sealed record FragmentInfo(
    long Number,
    string InitSegmentKey,
    DateTimeOffset ProducerTime,
    DateTimeOffset ServerTime,
    TimeSpan Duration,
    long Size,
    bool Discontinuity);
