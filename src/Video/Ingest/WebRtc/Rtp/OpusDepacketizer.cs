namespace Platform.Video.Ingest.WebRtc.Rtp;

/// <summary>
/// Opus over RTP (RFC 7587): each payload is exactly one Opus packet and the timestamp runs at 48 kHz whatever the
/// coded bandwidth, so depacketizing is a bounds check and a copy.
/// </summary>
public static class OpusDepacketizer
{
    /// <summary>RFC 6716 limits a packet to 120 ms; 1275 bytes per frame, up to 48 frames, bounds it well below this.</summary>
    public const int MaxPacketBytes = 64 * 1024;

    public static bool TryGetPacket(ReadOnlySpan<byte> payload, out byte[] packet)
    {
        if (payload.Length == 0 || payload.Length > MaxPacketBytes)
        {
            packet = [];
            return false;
        }

        packet = payload.ToArray();
        return true;
    }
}
