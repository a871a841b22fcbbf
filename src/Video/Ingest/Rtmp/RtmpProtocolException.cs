namespace Platform.Video.Ingest.Rtmp;

/// <summary>A publisher broke the RTMP, AMF or FLV rules; the connection is closed with this message as the logged reason.</summary>
internal sealed class RtmpProtocolException(string message) : Exception(message);
