namespace Platform.Video.Streams;

/// <summary>One page of <c>ListStreams</c>; pass <see cref="NextToken"/> back for the next page (null when done).</summary>
public sealed record VideoStreamPage(IReadOnlyList<VideoStreamInfo> Streams, string? NextToken);
