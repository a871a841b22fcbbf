namespace Platform.Video.Tests.Media.H264;

/// <summary>Writes synthetic SPS NAL units for cases encoders rarely produce (scaling matrices in the SPS).</summary>
internal static class SpsBuilder
{
    public static byte[] HighProfileWithScalingLists(int widthInMbs, int heightInMbs, int cropBottom)
    {
        var bits = new List<int>();
        void Bits(long value, int count)
        {
            for (var i = count - 1; i >= 0; i--)
            {
                bits.Add((int)((value >> i) & 1));
            }
        }

        void Ue(long value)
        {
            var code = value + 1;
            var length = 64 - long.LeadingZeroCount(code);
            Bits(0, (int)length - 1);
            Bits(code, (int)length);
        }

        void Se(long value) => Ue(value <= 0 ? -2 * value : (2 * value) - 1);

        Bits(100, 8); // profile_idc
        Bits(0, 8);
        Bits(30, 8);
        Ue(0); // sps id
        Ue(1); // chroma_format_idc
        Ue(0);
        Ue(0);
        Bits(0, 1);
        Bits(1, 1); // seq_scaling_matrix_present_flag
        for (var i = 0; i < 8; i++)
        {
            if (i % 2 == 0)
            {
                Bits(0, 1);
                continue;
            }

            Bits(1, 1);
            // A few real deltas, then a delta that makes nextScale zero (the rest repeat the last value).
            Se(5);
            Se(-3);
            Se(7);
            Se(-9);
            Se(-8);
        }

        Ue(0); // log2_max_frame_num_minus4
        Ue(0); // pic_order_cnt_type
        Ue(2);
        Ue(4); // max_num_ref_frames
        Bits(0, 1);
        Ue(widthInMbs - 1);
        Ue(heightInMbs - 1);
        Bits(1, 1); // frame_mbs_only
        Bits(1, 1); // direct_8x8
        Bits(1, 1); // frame_cropping_flag
        Ue(0);
        Ue(0);
        Ue(0);
        Ue(cropBottom);
        Bits(0, 1); // vui
        Bits(1, 1); // rbsp stop bit
        while (bits.Count % 8 != 0)
        {
            bits.Add(0);
        }

        var output = new List<byte> { 0x67 };
        var zeros = 0;
        for (var i = 0; i < bits.Count; i += 8)
        {
            var b = 0;
            for (var j = 0; j < 8; j++)
            {
                b = (b << 1) | bits[i + j];
            }

            if (zeros >= 2 && b <= 3)
            {
                output.Add(3);
                zeros = 0;
            }

            output.Add((byte)b);
            zeros = b == 0 ? zeros + 1 : 0;
        }

        return [.. output];
    }
}
