namespace Platform.Video.Media.H264;

/// <summary>Parses H.264 sequence parameter sets (ITU-T H.264 clause 7.3.2.1.1) up to the frame cropping fields.</summary>
public static class SpsParser
{
    // Largest picture H.264 level 6.2 allows is 139,264 macroblocks; bounding each dimension keeps garbage from
    // producing absurd sizes.
    private const uint MaxMacroblocksPerDimension = 1024;

    /// <summary>Parses an SPS NAL unit.</summary>
    /// <param name="nalUnit">The NAL unit, header byte first, emulation prevention bytes still in place.</param>
    /// <exception cref="InvalidDataException">Not an SPS, truncated, or holding values outside the standard's ranges.</exception>
    public static SequenceParameterSet Parse(ReadOnlySpan<byte> nalUnit)
    {
        if (NalUnits.TypeOf(nalUnit) != NalUnitType.Sps)
        {
            throw new InvalidDataException($"Expected an SPS NAL unit (type 7) but got type {NalUnits.TypeOf(nalUnit)}.");
        }

        var rbsp = NalUnits.ToRbsp(nalUnit[1..]);
        if (rbsp.Length < 4)
        {
            throw new InvalidDataException("SPS is too short.");
        }

        var reader = new BitReader(rbsp);
        var profileIdc = (int)reader.ReadBits(8);
        var constraintFlags = (int)reader.ReadBits(8);
        var levelIdc = (int)reader.ReadBits(8);
        var spsId = reader.ReadUe();
        if (spsId > 31)
        {
            throw new InvalidDataException($"seq_parameter_set_id {spsId} is out of range (0-31).");
        }

        uint chromaFormatIdc = 1;
        var separateColourPlane = false;
        uint bitDepthLuma = 8, bitDepthChroma = 8;
        if (HasChromaInfo(profileIdc))
        {
            chromaFormatIdc = reader.ReadUe();
            if (chromaFormatIdc > 3)
            {
                throw new InvalidDataException($"chroma_format_idc {chromaFormatIdc} is out of range (0-3).");
            }

            if (chromaFormatIdc == 3)
            {
                separateColourPlane = reader.ReadFlag();
            }

            bitDepthLuma = reader.ReadUe() + 8;
            bitDepthChroma = reader.ReadUe() + 8;
            if (bitDepthLuma > 14 || bitDepthChroma > 14)
            {
                throw new InvalidDataException("SPS bit depth is out of range (8-14).");
            }

            reader.Skip(1); // qpprime_y_zero_transform_bypass_flag
            if (reader.ReadFlag())
            {
                var lists = chromaFormatIdc == 3 ? 12 : 8;
                for (var i = 0; i < lists; i++)
                {
                    if (reader.ReadFlag())
                    {
                        SkipScalingList(ref reader, i < 6 ? 16 : 64);
                    }
                }
            }
        }

        reader.ReadUe(); // log2_max_frame_num_minus4
        var picOrderCntType = reader.ReadUe();
        if (picOrderCntType == 0)
        {
            reader.ReadUe(); // log2_max_pic_order_cnt_lsb_minus4
        }
        else if (picOrderCntType == 1)
        {
            reader.Skip(1); // delta_pic_order_always_zero_flag
            reader.ReadSe(); // offset_for_non_ref_pic
            reader.ReadSe(); // offset_for_top_to_bottom_field
            var cycle = reader.ReadUe();
            if (cycle > 255)
            {
                throw new InvalidDataException($"num_ref_frames_in_pic_order_cnt_cycle {cycle} is out of range (0-255).");
            }

            for (var i = 0; i < cycle; i++)
            {
                reader.ReadSe(); // offset_for_ref_frame
            }
        }
        else if (picOrderCntType != 2)
        {
            throw new InvalidDataException($"pic_order_cnt_type {picOrderCntType} is out of range (0-2).");
        }

        reader.ReadUe(); // max_num_ref_frames
        reader.Skip(1); // gaps_in_frame_num_value_allowed_flag
        var widthInMbs = reader.ReadUe() + 1;
        var heightInMapUnits = reader.ReadUe() + 1;
        if (widthInMbs > MaxMacroblocksPerDimension || heightInMapUnits > MaxMacroblocksPerDimension)
        {
            throw new InvalidDataException($"SPS picture size {widthInMbs}x{heightInMapUnits} macroblocks is out of range.");
        }

        var frameMbsOnly = reader.ReadFlag();
        if (!frameMbsOnly)
        {
            reader.Skip(1); // mb_adaptive_frame_field_flag
        }

        reader.Skip(1); // direct_8x8_inference_flag
        uint cropLeft = 0, cropRight = 0, cropTop = 0, cropBottom = 0;
        if (reader.ReadFlag())
        {
            cropLeft = reader.ReadUe();
            cropRight = reader.ReadUe();
            cropTop = reader.ReadUe();
            cropBottom = reader.ReadUe();
        }

        // Clause 7.4.2.1.1: crop units depend on chroma subsampling and on whether pictures are frames or fields.
        var chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
        var fieldFactor = frameMbsOnly ? 1L : 2L;
        long cropUnitX = 1, cropUnitY = fieldFactor;
        if (chromaArrayType != 0)
        {
            cropUnitX = chromaArrayType is 1 or 2 ? 2 : 1;
            cropUnitY = (chromaArrayType == 1 ? 2 : 1) * fieldFactor;
        }

        var width = (widthInMbs * 16L) - (cropUnitX * (cropLeft + (long)cropRight));
        var height = (fieldFactor * heightInMapUnits * 16L) - (cropUnitY * (cropTop + (long)cropBottom));
        if (width <= 0 || height <= 0)
        {
            throw new InvalidDataException("SPS frame cropping removes the whole picture.");
        }

        return new SequenceParameterSet(
            profileIdc,
            constraintFlags,
            levelIdc,
            (int)spsId,
            (int)chromaFormatIdc,
            (int)bitDepthLuma,
            (int)bitDepthChroma,
            frameMbsOnly,
            (int)width,
            (int)height);
    }

    /// <summary>True for the profiles whose SPS carries chroma format, bit depths and scaling matrices.</summary>
    /// <param name="profileIdc">The SPS <c>profile_idc</c>.</param>
    public static bool HasChromaInfo(int profileIdc) =>
        profileIdc is 100 or 110 or 122 or 244 or 44 or 83 or 86 or 118 or 128 or 138 or 139 or 134 or 135;

    private static void SkipScalingList(ref BitReader reader, int size)
    {
        // Clause 7.3.2.1.1.1: deltas are coded until a zero next scale repeats the last value for the rest.
        var lastScale = 8;
        var nextScale = 8;
        for (var j = 0; j < size; j++)
        {
            if (nextScale != 0)
            {
                var delta = reader.ReadSe();
                if (delta is < -128 or > 127)
                {
                    throw new InvalidDataException($"Scaling list delta {delta} is out of range (-128 to 127).");
                }

                nextScale = (lastScale + delta + 256) % 256;
            }

            lastScale = nextScale == 0 ? lastScale : nextScale;
        }
    }
}
