using System.Buffers.Binary;
using System.Text;

namespace Platform.Video.Ingest.WebRtc.Rtcp;

/// <summary>
/// Appends RTCP packets to a buffer to form one compound packet: a receiver report first (RFC 3550 section 6.1), then
/// SDES and feedback. Each method returns the new length, or throws when the buffer is too small.
/// </summary>
public static class RtcpWriter
{
    public static int WriteReceiverReport(Span<byte> buffer, int offset, uint senderSsrc, IReadOnlyList<ReportBlock> blocks)
    {
        var count = Math.Min(blocks.Count, 31);
        var length = 8 + (24 * count);
        var p = buffer.Slice(offset, length);
        Header(p, count, RtcpPacketType.ReceiverReport, length);
        BinaryPrimitives.WriteUInt32BigEndian(p[4..], senderSsrc);
        for (var i = 0; i < count; i++)
        {
            var b = p[(8 + (24 * i))..];
            var block = blocks[i];
            BinaryPrimitives.WriteUInt32BigEndian(b, block.Ssrc);
            b[4] = block.FractionLost;
            var lost = Math.Clamp(block.CumulativeLost, -0x800000, 0x7FFFFF);
            b[5] = (byte)(lost >> 16);
            b[6] = (byte)(lost >> 8);
            b[7] = (byte)lost;
            BinaryPrimitives.WriteUInt32BigEndian(b[8..], block.ExtendedHighestSequence);
            BinaryPrimitives.WriteUInt32BigEndian(b[12..], block.Jitter);
            BinaryPrimitives.WriteUInt32BigEndian(b[16..], block.LastSenderReport);
            BinaryPrimitives.WriteUInt32BigEndian(b[20..], block.DelaySinceLastSenderReport);
        }

        return offset + length;
    }

    public static int WriteCname(Span<byte> buffer, int offset, uint ssrc, string cname)
    {
        var text = Encoding.UTF8.GetBytes(cname);
        var itemLength = Math.Min(text.Length, 255);

        // SSRC, CNAME item (type, length, text), then at least one zero byte ending the item list, padded to 32 bits.
        var length = (4 + 4 + 2 + itemLength + 1 + 3) & ~3;
        var p = buffer.Slice(offset, length);
        p.Clear();
        Header(p, 1, RtcpPacketType.SourceDescription, length);
        BinaryPrimitives.WriteUInt32BigEndian(p[4..], ssrc);
        p[8] = 1;
        p[9] = (byte)itemLength;
        text.AsSpan(0, itemLength).CopyTo(p[10..]);
        return offset + length;
    }

    /// <summary>Writes generic NACKs for <paramref name="sequences"/>, grouping each run of 17 into one PID/BLP pair.</summary>
    public static int WriteNack(Span<byte> buffer, int offset, uint senderSsrc, uint mediaSsrc, IReadOnlyList<ushort> sequences)
    {
        var pairs = new List<(ushort Pid, ushort Blp)>();
        foreach (var seq in sequences.Order())
        {
            if (pairs.Count > 0)
            {
                var (pid, blp) = pairs[^1];
                var distance = (ushort)(seq - pid);
                if (distance == 0)
                {
                    continue;
                }

                if (distance <= 16)
                {
                    pairs[^1] = (pid, (ushort)(blp | (1 << (distance - 1))));
                    continue;
                }
            }

            pairs.Add((seq, 0));
        }

        var length = 12 + (4 * pairs.Count);
        var p = buffer.Slice(offset, length);
        Header(p, RtcpPacketType.FormatNack, RtcpPacketType.TransportFeedback, length);
        BinaryPrimitives.WriteUInt32BigEndian(p[4..], senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(p[8..], mediaSsrc);
        for (var i = 0; i < pairs.Count; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(p[(12 + (4 * i))..], pairs[i].Pid);
            BinaryPrimitives.WriteUInt16BigEndian(p[(14 + (4 * i))..], pairs[i].Blp);
        }

        return offset + length;
    }

    public static int WritePli(Span<byte> buffer, int offset, uint senderSsrc, uint mediaSsrc)
    {
        var p = buffer.Slice(offset, 12);
        Header(p, RtcpPacketType.FormatPli, RtcpPacketType.PayloadFeedback, 12);
        BinaryPrimitives.WriteUInt32BigEndian(p[4..], senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(p[8..], mediaSsrc);
        return offset + 12;
    }

    /// <summary>Writes a full intra request (RFC 5104 section 4.3.1); the media SSRC field is zero and the FCI names the stream.</summary>
    public static int WriteFir(Span<byte> buffer, int offset, uint senderSsrc, uint mediaSsrc, byte sequenceNumber)
    {
        var p = buffer.Slice(offset, 20);
        p.Clear();
        Header(p, RtcpPacketType.FormatFir, RtcpPacketType.PayloadFeedback, 20);
        BinaryPrimitives.WriteUInt32BigEndian(p[4..], senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(p[12..], mediaSsrc);
        p[16] = sequenceNumber;
        return offset + 20;
    }

    public static int WriteGoodbye(Span<byte> buffer, int offset, uint ssrc)
    {
        var p = buffer.Slice(offset, 8);
        Header(p, 1, RtcpPacketType.Goodbye, 8);
        BinaryPrimitives.WriteUInt32BigEndian(p[4..], ssrc);
        return offset + 8;
    }

    private static void Header(Span<byte> packet, int count, byte type, int length)
    {
        packet[0] = (byte)(0x80 | count);
        packet[1] = type;
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], (ushort)((length / 4) - 1));
    }
}
