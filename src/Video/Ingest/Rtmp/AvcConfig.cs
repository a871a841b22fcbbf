using System.Buffers.Binary;

namespace Platform.Video.Ingest.Rtmp;

/// <summary>
/// What the RTMP ingest needs from an AVC sequence header: the AVCDecoderConfigurationRecord (ISO/IEC 14496-15
/// 5.3.3.1) normalised to 4-byte NAL lengths, the publisher's NAL length size, and the picture size from the first
/// SPS (ITU-T H.264 7.3.2.1.1).
/// </summary>
internal sealed record AvcConfig(byte[] Record, int NalLengthSize, int Width, int Height)
{
    private static readonly HashSet<uint> HighProfiles = [100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135];

    public static AvcConfig Parse(ReadOnlySpan<byte> avcC)
    {
        if (avcC.Length < 7 || avcC[0] != 1)
        {
            throw new RtmpProtocolException($"AVC sequence header is not an avcC record (version {(avcC.Length > 0 ? avcC[0] : -1)}, {avcC.Length} bytes).");
        }

        var nalLengthSize = (avcC[4] & 3) + 1;
        if (nalLengthSize == 3)
        {
            throw new RtmpProtocolException("avcC declares 3-byte NAL lengths (only 1, 2 and 4 exist).");
        }

        var spsCount = avcC[5] & 0x1F;
        if (spsCount == 0)
        {
            throw new RtmpProtocolException("avcC has no SPS.");
        }

        var spsLength = BinaryPrimitives.ReadUInt16BigEndian(avcC[6..]);
        if (8 + spsLength > avcC.Length || spsLength < 4)
        {
            throw new RtmpProtocolException($"avcC SPS of {spsLength} bytes does not fit the record.");
        }

        var (width, height) = ParseSpsSize(avcC.Slice(8, spsLength));
        var record = avcC.ToArray();
        record[4] = 0xFF; // reserved bits set, lengthSizeMinusOne = 3: units are rewritten to 4-byte lengths
        return new AvcConfig(record, nalLengthSize, width, height);
    }

    /// <summary>Picture width and height after cropping, from an SPS NAL unit (header byte included).</summary>
    public static (int Width, int Height) ParseSpsSize(ReadOnlySpan<byte> sps)
    {
        if ((sps[0] & 0x1F) != 7)
        {
            throw new RtmpProtocolException($"avcC SPS entry is NAL unit type {sps[0] & 0x1F}, not 7.");
        }

        var rbsp = RemoveEmulationPrevention(sps[1..]);
        var bits = new RtmpBitReader(rbsp);
        var profile = bits.ReadBits(8);
        bits.ReadBits(16); // constraint flags, level
        bits.ReadUe(); // seq_parameter_set_id
        uint chromaFormat = 1;
        var separatePlanes = false;
        if (HighProfiles.Contains(profile))
        {
            chromaFormat = bits.ReadUe();
            if (chromaFormat > 3)
            {
                throw new RtmpProtocolException($"SPS chroma_format_idc {chromaFormat} is invalid.");
            }

            if (chromaFormat == 3)
            {
                separatePlanes = bits.ReadFlag();
            }

            bits.ReadUe(); // bit_depth_luma_minus8
            bits.ReadUe(); // bit_depth_chroma_minus8
            bits.ReadFlag(); // qpprime_y_zero_transform_bypass_flag
            if (bits.ReadFlag())
            {
                var lists = chromaFormat == 3 ? 12 : 8;
                for (var i = 0; i < lists; i++)
                {
                    if (bits.ReadFlag())
                    {
                        SkipScalingList(ref bits, i < 6 ? 16 : 64);
                    }
                }
            }
        }

        bits.ReadUe(); // log2_max_frame_num_minus4
        var pocType = bits.ReadUe();
        if (pocType == 0)
        {
            bits.ReadUe();
        }
        else if (pocType == 1)
        {
            bits.ReadFlag();
            bits.ReadSe();
            bits.ReadSe();
            var cycle = bits.ReadUe();
            if (cycle > 255)
            {
                throw new RtmpProtocolException("SPS num_ref_frames_in_pic_order_cnt_cycle above 255.");
            }

            for (var i = 0; i < cycle; i++)
            {
                bits.ReadSe();
            }
        }

        bits.ReadUe(); // max_num_ref_frames
        bits.ReadFlag(); // gaps_in_frame_num_value_allowed_flag
        var widthInMbs = bits.ReadUe() + 1L;
        var heightInMapUnits = bits.ReadUe() + 1L;
        var frameMbsOnly = bits.ReadFlag();
        if (!frameMbsOnly)
        {
            bits.ReadFlag(); // mb_adaptive_frame_field_flag
        }

        bits.ReadFlag(); // direct_8x8_inference_flag
        long cropLeft = 0, cropRight = 0, cropTop = 0, cropBottom = 0;
        if (bits.ReadFlag())
        {
            cropLeft = bits.ReadUe();
            cropRight = bits.ReadUe();
            cropTop = bits.ReadUe();
            cropBottom = bits.ReadUe();
        }

        var fieldFactor = frameMbsOnly ? 1 : 2;
        var arrayType = separatePlanes ? 0 : chromaFormat;
        var (cropUnitX, cropUnitY) = arrayType switch
        {
            0 => (1, fieldFactor),
            1 => (2, 2 * fieldFactor),
            2 => (2, fieldFactor),
            _ => (1, fieldFactor),
        };

        var width = (widthInMbs * 16) - (cropUnitX * (cropLeft + cropRight));
        var height = (fieldFactor * heightInMapUnits * 16) - (cropUnitY * (cropTop + cropBottom));
        if (width is <= 0 or > 16384 || height is <= 0 or > 16384)
        {
            throw new RtmpProtocolException($"SPS picture size {width}x{height} is out of range.");
        }

        return ((int)width, (int)height);
    }

    private static void SkipScalingList(ref RtmpBitReader bits, int size)
    {
        var last = 8;
        var next = 8;
        for (var j = 0; j < size; j++)
        {
            if (next != 0)
            {
                next = (last + bits.ReadSe() + 256) % 256;
            }

            last = next == 0 ? last : next;
        }
    }

    private static byte[] RemoveEmulationPrevention(ReadOnlySpan<byte> data)
    {
        var output = new byte[data.Length];
        var n = 0;
        var zeros = 0;
        foreach (var b in data)
        {
            if (zeros >= 2 && b == 3)
            {
                zeros = 0;
                continue;
            }

            zeros = b == 0 ? zeros + 1 : 0;
            output[n++] = b;
        }

        return output.AsSpan(0, n).ToArray();
    }
}
