using System.Buffers.Binary;
using Platform.Video.Ingest.WebRtc.Rtp;

namespace Platform.Video.Tests.WebRtc;

/// <summary>Builds RTP packets for depacketizer and buffer tests.</summary>
internal static class RtpPackets
{
    public static byte[] Build(ushort seq, uint timestamp, bool marker, ReadOnlySpan<byte> payload, uint ssrc = 1234, byte payloadType = 102)
    {
        var packet = new byte[12 + payload.Length];
        packet[0] = 0x80;
        packet[1] = (byte)((marker ? 0x80 : 0) | payloadType);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), seq);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
        payload.CopyTo(packet.AsSpan(12));
        return packet;
    }

    public static RtpPacket Parse(byte[] data, long extendedSequence)
    {
        Assert.True(RtpHeader.TryParse(data, out var header));
        return new RtpPacket(header, data, extendedSequence);
    }

    /// <summary>Splits a NAL unit into FU-A payloads of at most <paramref name="size"/> bytes of data each.</summary>
    public static List<byte[]> FuA(byte[] nal, int size)
    {
        var result = new List<byte[]>();
        var data = nal.AsSpan(1);
        var indicator = (byte)((nal[0] & 0xE0) | 28);
        for (var offset = 0; offset < data.Length; offset += size)
        {
            var chunk = data.Slice(offset, Math.Min(size, data.Length - offset));
            var header = (byte)(nal[0] & 0x1F);
            if (offset == 0)
            {
                header |= 0x80;
            }

            if (offset + size >= data.Length)
            {
                header |= 0x40;
            }

            result.Add([indicator, header, .. chunk]);
        }

        return result;
    }

    public static byte[] StapA(params byte[][] nals)
    {
        var list = new List<byte> { 24 | 0x60 };
        foreach (var nal in nals)
        {
            list.Add((byte)(nal.Length >> 8));
            list.Add((byte)nal.Length);
            list.AddRange(nal);
        }

        return [.. list];
    }
}
