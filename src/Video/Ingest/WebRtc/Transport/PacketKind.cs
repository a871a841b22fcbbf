namespace Platform.Video.Ingest.WebRtc.Transport;

/// <summary>What a datagram on the shared WebRTC port carries.</summary>
public enum PacketKind
{
    Unknown,
    Stun,
    Dtls,
    Rtp,
    Rtcp,
}
