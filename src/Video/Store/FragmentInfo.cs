namespace Platform.Video.Store;

/// <summary>What the index knows of one stored fragment (the fields of Kinesis Video Streams' <c>Fragment</c>, plus playback needs).</summary>
/// <param name="Number">The fragment number: monotonic per stream, across publish sessions.</param>
/// <param name="InitSegmentKey">Names the init segment that decodes it (stable, usable in a URL path segment).</param>
/// <param name="ProducerTime">The producer's timestamp of its first frame.</param>
/// <param name="ServerTime">When the platform received it.</param>
/// <param name="Duration">How long it plays.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Discontinuity">True when playback must signal a discontinuity before it (new publish session or codec change).</param>
/// <param name="Ordinal">Its place in the stream (0, 1, 2, … with no gaps, the same on every host), or -1 when it was
/// stored before the store kept ordinals.</param>
/// <param name="DiscontinuityCount">How many fragments of the stream up to and including this one have
/// <paramref name="Discontinuity"/> set, or -1 with <paramref name="Ordinal"/>.</param>
public sealed record FragmentInfo(
    long Number,
    string InitSegmentKey,
    DateTimeOffset ProducerTime,
    DateTimeOffset ServerTime,
    TimeSpan Duration,
    long Size,
    bool Discontinuity,
    long Ordinal = FragmentIndexEntry.Unsequenced,
    long DiscontinuityCount = FragmentIndexEntry.Unsequenced);
