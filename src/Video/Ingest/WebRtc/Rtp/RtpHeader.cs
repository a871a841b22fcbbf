using System.Buffers.Binary;

namespace Platform.Video.Ingest.WebRtc.Rtp;

/// <summary>The fixed RTP header and where the payload lies (RFC 3550 section 5.1), after CSRCs, extension and padding.</summary>
/// <param name="Marker">The marker bit (last packet of a video frame).</param>
/// <param name="PayloadType">The payload type (7 bits).</param>
/// <param name="SequenceNumber">16-bit sequence number.</param>
/// <param name="Timestamp">32-bit media timestamp.</param>
/// <param name="Ssrc">Synchronisation source.</param>
/// <param name="CsrcCount">Number of contributing sources.</param>
/// <param name="ExtensionProfile">The header extension's profile (0xBEDE one-byte, 0x1000 two-byte), or null.</param>
/// <param name="PayloadOffset">Offset of the payload from the packet start.</param>
/// <param name="PayloadLength">Payload length without padding.</param>
public readonly record struct RtpHeader(
    bool Marker,
    byte PayloadType,
    ushort SequenceNumber,
    uint Timestamp,
    uint Ssrc,
    int CsrcCount,
    ushort? ExtensionProfile,
    int PayloadOffset,
    int PayloadLength)
{
    /// <summary>Parses an RTP header; false for anything that is not version 2 or whose lengths do not add up.</summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out RtpHeader header)
    {
        header = default;
        if (packet.Length < 12 || (packet[0] >> 6) != 2)
        {
            return false;
        }

        var csrcCount = packet[0] & 0x0F;
        var offset = 12 + (4 * csrcCount);
        ushort? profile = null;
        if ((packet[0] & 0x10) != 0)
        {
            if (packet.Length < offset + 4)
            {
                return false;
            }

            profile = BinaryPrimitives.ReadUInt16BigEndian(packet[offset..]);
            offset += 4 + (4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]));
        }

        var end = packet.Length;
        if ((packet[0] & 0x20) != 0)
        {
            // The last byte counts the padding, itself included.
            var padding = packet[^1];
            if (padding == 0 || end - padding < offset)
            {
                return false;
            }

            end -= padding;
        }

        if (offset > end)
        {
            return false;
        }

        header = new RtpHeader(
            (packet[1] & 0x80) != 0,
            (byte)(packet[1] & 0x7F),
            BinaryPrimitives.ReadUInt16BigEndian(packet[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(packet[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(packet[8..]),
            csrcCount,
            profile,
            offset,
            end - offset);
        return true;
    }
}
