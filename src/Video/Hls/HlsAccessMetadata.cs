namespace Platform.Video.Hls;

/// <summary>Endpoint metadata: the endpoint serves HLS and needs its access checked before the output cache.</summary>
/// <param name="SessionOnly">True when only a session token grants access (session master and media playlists).</param>
public sealed record HlsAccessMetadata(bool SessionOnly);
