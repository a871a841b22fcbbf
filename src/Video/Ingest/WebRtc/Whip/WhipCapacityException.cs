namespace Platform.Video.Ingest.WebRtc.Whip;

/// <summary>The server runs as many WebRTC sessions as it is configured for; WHIP answers 503.</summary>
public sealed class WhipCapacityException(string message) : Exception(message);
