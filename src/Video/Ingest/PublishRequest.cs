namespace Platform.Video.Ingest;

/// <summary>A publisher's request to go live.</summary>
/// <param name="StreamName">The video stream's name (from the RTMP publish name or the WHIP path).</param>
/// <param name="Protocol">"rtmp" or "whip", for logs and stream descriptions.</param>
/// <param name="Credential">The RTMP publish key (the <c>?key=</c> query of the publish name) or the WHIP bearer token; null when absent.</param>
/// <param name="RemoteAddress">The publisher's address, for logs.</param>
public sealed record PublishRequest(string StreamName, string Protocol, string? Credential, string RemoteAddress);
