namespace Platform.Video.Ingest.WebRtc.Transport;

/// <summary>
/// Demultiplexes one UDP port by the first byte (RFC 7983): 0–3 STUN, 20–63 DTLS, 128–191 RTP or RTCP. RTCP is told
/// apart from RTP by the packet type in the second byte, 192–223 (RFC 5761 section 4), since rtcp-mux shares the port.
/// </summary>
public static class PacketClassifier
{
    public static PacketKind Classify(ReadOnlySpan<byte> packet)
    {
        if (packet.Length == 0)
        {
            return PacketKind.Unknown;
        }

        var first = packet[0];
        if (first <= 3)
        {
            return packet.Length >= 20 ? PacketKind.Stun : PacketKind.Unknown;
        }

        if (first is >= 20 and <= 63)
        {
            return packet.Length >= 13 ? PacketKind.Dtls : PacketKind.Unknown;
        }

        if (first is >= 128 and <= 191 && packet.Length >= 8)
        {
            return packet[1] is >= 192 and <= 223 ? PacketKind.Rtcp : PacketKind.Rtp;
        }

        return PacketKind.Unknown;
    }
}
