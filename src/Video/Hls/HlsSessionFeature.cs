namespace Platform.Video.Hls;

/// <summary>The checked session of the current HLS request (null token: unsigned playback), set before output caching runs.</summary>
/// <param name="Session">What the request may read.</param>
/// <param name="Token">The token as sent, written back into the playlist's URIs; null for unsigned playback.</param>
public sealed record HlsSessionFeature(HlsSession Session, string? Token);
