using System.Buffers.Binary;

namespace Platform.Video.Tests.Rtmp;

/// <summary>Codec configurations taken from libx264 and AAC output, and builders for FLV tag bodies.</summary>
internal static class TestMedia
{
    /// <summary>SPS of a 320x240 High profile stream (libx264 on testsrc2).</summary>
    public static readonly byte[] Sps320x240 = Convert.FromHexString("6764000dacd94141fb0110000003001000000303c0f1429960");

    /// <summary>SPS of a 1920x1080 High profile stream: 1088 coded lines cropped to 1080.</summary>
    public static readonly byte[] Sps1920x1080 = Convert.FromHexString("67640028acd940780227e5c044000003000400000300f03c60c658");

    public static readonly byte[] Pps = Convert.FromHexString("68ebe3cb22c0");

    /// <summary>AAC-LC, 48 kHz, stereo.</summary>
    public static readonly byte[] Asc48kStereo = [0x11, 0x90];

    public static byte[] AvcC(byte[] sps, int nalLengthSize = 4)
    {
        var record = new List<byte> { 1, sps[1], sps[2], sps[3], (byte)(0xFC | (nalLengthSize - 1)), 0xE1 };
        record.Add((byte)(sps.Length >> 8));
        record.Add((byte)sps.Length);
        record.AddRange(sps);
        record.Add(1);
        record.Add((byte)(Pps.Length >> 8));
        record.Add((byte)Pps.Length);
        record.AddRange(Pps);
        return [.. record];
    }

    public static byte[] AvcSequenceHeader(byte[] avcC) => [0x17, 0, 0, 0, 0, .. avcC];

    /// <summary>An AVC NALU tag: frame type, packet type 1, signed 24-bit composition time, then the length-prefixed NAL units.</summary>
    public static byte[] AvcFrame(bool keyframe, int compositionTime, params byte[][] nalUnits)
    {
        var body = new List<byte> { (byte)(keyframe ? 0x17 : 0x27), 1, (byte)(compositionTime >> 16), (byte)(compositionTime >> 8), (byte)compositionTime };
        foreach (var nal in nalUnits)
        {
            var length = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, nal.Length);
            body.AddRange(length);
            body.AddRange(nal);
        }

        return [.. body];
    }

    public static byte[] AacSequenceHeader(byte[] asc) => [0xAF, 0, .. asc];

    public static byte[] AacFrame(byte[] frame) => [0xAF, 1, .. frame];

    public static byte[] IdrSlice => [0x65, 0x88, 0x84, 0x00, 0x33];

    public static byte[] NonIdrSlice => [0x41, 0x9A, 0x02, 0x04];
}
