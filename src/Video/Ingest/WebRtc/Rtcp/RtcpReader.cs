using System.Buffers.Binary;

namespace Platform.Video.Ingest.WebRtc.Rtcp;

/// <summary>Reads compound RTCP packets (RFC 3550 section 6.1): walks the packets and decodes the ones ingest needs.</summary>
public static class RtcpReader
{
    /// <summary>Packets per compound packet beyond which the rest is ignored.</summary>
    private const int MaxPackets = 32;

    /// <summary>Splits a compound packet; false when a header is malformed (the packets before it are still listed).</summary>
    public static bool TrySplit(ReadOnlySpan<byte> compound, List<RtcpHeader> headers)
    {
        var offset = 0;
        while (offset < compound.Length)
        {
            if (compound.Length - offset < 4 || (compound[offset] >> 6) != 2 || headers.Count == MaxPackets)
            {
                return false;
            }

            var length = (BinaryPrimitives.ReadUInt16BigEndian(compound[(offset + 2)..]) + 1) * 4;
            if (length > compound.Length - offset)
            {
                return false;
            }

            headers.Add(new RtcpHeader(compound[offset] & 0x1F, compound[offset + 1], offset, length));
            offset += length;
        }

        return true;
    }

    public static bool TryReadSenderReport(ReadOnlySpan<byte> packet, out SenderReport report)
    {
        report = default;
        if (packet.Length < 28 || packet[1] != RtcpPacketType.SenderReport)
        {
            return false;
        }

        report = new SenderReport(
            BinaryPrimitives.ReadUInt32BigEndian(packet[4..]),
            BinaryPrimitives.ReadUInt64BigEndian(packet[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(packet[16..]),
            BinaryPrimitives.ReadUInt32BigEndian(packet[20..]),
            BinaryPrimitives.ReadUInt32BigEndian(packet[24..]));
        return true;
    }

    /// <summary>Reads the report blocks of an SR or RR packet.</summary>
    public static bool TryReadReportBlocks(ReadOnlySpan<byte> packet, List<ReportBlock> blocks)
    {
        if (packet.Length < 8 || packet[1] is not (RtcpPacketType.SenderReport or RtcpPacketType.ReceiverReport))
        {
            return false;
        }

        var count = packet[0] & 0x1F;
        var offset = packet[1] == RtcpPacketType.SenderReport ? 28 : 8;
        if (packet.Length < offset + (24 * count))
        {
            return false;
        }

        for (var i = 0; i < count; i++, offset += 24)
        {
            var b = packet[offset..];
            var lost = (b[5] << 16) | (b[6] << 8) | b[7];
            if ((lost & 0x800000) != 0)
            {
                lost |= unchecked((int)0xFF000000);
            }

            blocks.Add(new ReportBlock(
                BinaryPrimitives.ReadUInt32BigEndian(b),
                b[4],
                lost,
                BinaryPrimitives.ReadUInt32BigEndian(b[8..]),
                BinaryPrimitives.ReadUInt32BigEndian(b[12..]),
                BinaryPrimitives.ReadUInt32BigEndian(b[16..]),
                BinaryPrimitives.ReadUInt32BigEndian(b[20..])));
        }

        return true;
    }

    /// <summary>Reads a generic NACK (RFC 4585 section 6.2.1): the media SSRC and every sequence number asked for.</summary>
    public static bool TryReadNack(ReadOnlySpan<byte> packet, out uint mediaSsrc, List<ushort> sequences)
    {
        mediaSsrc = 0;
        if (packet.Length < 16 || packet[1] != RtcpPacketType.TransportFeedback || (packet[0] & 0x1F) != RtcpPacketType.FormatNack)
        {
            return false;
        }

        mediaSsrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        for (var offset = 12; offset + 4 <= packet.Length; offset += 4)
        {
            var pid = BinaryPrimitives.ReadUInt16BigEndian(packet[offset..]);
            var blp = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]);
            sequences.Add(pid);
            for (var bit = 0; bit < 16; bit++)
            {
                if ((blp & (1 << bit)) != 0)
                {
                    sequences.Add((ushort)(pid + bit + 1));
                }
            }
        }

        return true;
    }

    /// <summary>Reads the SSRCs a BYE packet says goodbye for.</summary>
    public static bool TryReadGoodbye(ReadOnlySpan<byte> packet, List<uint> sources)
    {
        if (packet.Length < 4 || packet[1] != RtcpPacketType.Goodbye)
        {
            return false;
        }

        var count = packet[0] & 0x1F;
        if (packet.Length < 4 + (4 * count))
        {
            return false;
        }

        for (var i = 0; i < count; i++)
        {
            sources.Add(BinaryPrimitives.ReadUInt32BigEndian(packet[(4 + (4 * i))..]));
        }

        return true;
    }

    /// <summary>Reads the CNAME item of the first chunk of an SDES packet (RFC 3550 section 6.5), or null.</summary>
    public static string? ReadCname(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 8 || packet[1] != RtcpPacketType.SourceDescription || (packet[0] & 0x1F) == 0)
        {
            return null;
        }

        var offset = 8;
        while (offset + 2 <= packet.Length && packet[offset] != 0)
        {
            var type = packet[offset];
            var length = packet[offset + 1];
            if (offset + 2 + length > packet.Length)
            {
                return null;
            }

            if (type == 1)
            {
                return System.Text.Encoding.UTF8.GetString(packet.Slice(offset + 2, length));
            }

            offset += 2 + length;
        }

        return null;
    }

    /// <summary>True for a PLI or FIR (both ask for a keyframe); <paramref name="mediaSsrc"/> is the stream asked about.</summary>
    public static bool IsKeyframeRequest(ReadOnlySpan<byte> packet, out uint mediaSsrc)
    {
        mediaSsrc = 0;
        if (packet.Length < 12 || packet[1] != RtcpPacketType.PayloadFeedback)
        {
            return false;
        }

        var format = packet[0] & 0x1F;
        if (format == RtcpPacketType.FormatPli)
        {
            mediaSsrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
            return true;
        }

        if (format == RtcpPacketType.FormatFir && packet.Length >= 20)
        {
            mediaSsrc = BinaryPrimitives.ReadUInt32BigEndian(packet[12..]);
            return true;
        }

        return false;
    }
}
