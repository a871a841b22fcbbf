using System.Buffers.Binary;

namespace Platform.Video.Media.H264;

/// <summary>
/// NAL unit framing: Annex B byte streams (start codes) and length-prefixed units (MP4, FLV), and RBSP unescaping.
/// Every method validates lengths against the input, so malformed framing throws <see cref="InvalidDataException"/>
/// rather than reading outside the buffer.
/// </summary>
public static class NalUnits
{
    /// <summary>The type of a NAL unit from its first byte.</summary>
    /// <param name="nalUnit">The NAL unit, header byte first.</param>
    public static NalUnitType TypeOf(ReadOnlySpan<byte> nalUnit) =>
        nalUnit.IsEmpty ? NalUnitType.Unspecified : (NalUnitType)(nalUnit[0] & 0x1F);

    /// <summary>True when a length-prefixed access unit holds an IDR slice (a keyframe).</summary>
    /// <param name="accessUnit">NAL units with 4-byte big-endian lengths.</param>
    /// <exception cref="InvalidDataException">A length runs past the end.</exception>
    public static bool ContainsIdrSlice(ReadOnlySpan<byte> accessUnit)
    {
        foreach (var range in SplitLengthPrefixed(accessUnit))
        {
            if (TypeOf(accessUnit[range]) == NalUnitType.IdrSlice)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Splits an Annex B byte stream at its start codes (3- or 4-byte) and returns the NAL units' ranges.</summary>
    /// <param name="stream">Annex B bytes; anything before the first start code is ignored.</param>
    public static List<Range> SplitAnnexB(ReadOnlySpan<byte> stream)
    {
        var ranges = new List<Range>();
        var start = -1;
        var i = 0;
        while (i + 2 < stream.Length)
        {
            if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1)
            {
                if (start >= 0)
                {
                    AddTrimmed(stream, ranges, start, i);
                }

                i += 3;
                start = i;
            }
            else
            {
                i++;
            }
        }

        if (start >= 0)
        {
            AddTrimmed(stream, ranges, start, stream.Length);
        }

        return ranges;
    }

    /// <summary>Converts an Annex B byte stream to NAL units each prefixed with a 4-byte big-endian length.</summary>
    /// <param name="stream">Annex B bytes.</param>
    public static byte[] AnnexBToLengthPrefixed(ReadOnlySpan<byte> stream)
    {
        var ranges = SplitAnnexB(stream);
        var total = 0;
        foreach (var range in ranges)
        {
            total += 4 + range.GetOffsetAndLength(stream.Length).Length;
        }

        var output = new byte[total];
        var offset = 0;
        foreach (var range in ranges)
        {
            var nal = stream[range];
            BinaryPrimitives.WriteInt32BigEndian(output.AsSpan(offset), nal.Length);
            nal.CopyTo(output.AsSpan(offset + 4));
            offset += 4 + nal.Length;
        }

        return output;
    }

    /// <summary>Writes NAL units each prefixed with a 4-byte big-endian length (the layout of <see cref="MediaCodec.H264"/>).</summary>
    /// <param name="nalUnits">The NAL units, without start codes.</param>
    public static byte[] ToLengthPrefixed(IReadOnlyList<ReadOnlyMemory<byte>> nalUnits)
    {
        var total = 0;
        foreach (var nal in nalUnits)
        {
            total += 4 + nal.Length;
        }

        var output = new byte[total];
        var offset = 0;
        foreach (var nal in nalUnits)
        {
            BinaryPrimitives.WriteInt32BigEndian(output.AsSpan(offset), nal.Length);
            nal.Span.CopyTo(output.AsSpan(offset + 4));
            offset += 4 + nal.Length;
        }

        return output;
    }

    /// <summary>Splits length-prefixed NAL units and returns their ranges.</summary>
    /// <param name="data">Length-prefixed NAL units.</param>
    /// <param name="lengthSize">Bytes per length field: 1, 2 or 4 (from avcC's <c>lengthSizeMinusOne</c> + 1).</param>
    /// <exception cref="InvalidDataException">A length runs past the end of <paramref name="data"/>.</exception>
    public static List<Range> SplitLengthPrefixed(ReadOnlySpan<byte> data, int lengthSize = 4)
    {
        if (lengthSize is not (1 or 2 or 4))
        {
            throw new ArgumentOutOfRangeException(nameof(lengthSize), lengthSize, "NAL length size must be 1, 2 or 4.");
        }

        var ranges = new List<Range>();
        var offset = 0;
        while (offset < data.Length)
        {
            if (data.Length - offset < lengthSize)
            {
                throw new InvalidDataException("Truncated NAL unit length field.");
            }

            long length = lengthSize switch
            {
                1 => data[offset],
                2 => BinaryPrimitives.ReadUInt16BigEndian(data[offset..]),
                _ => BinaryPrimitives.ReadUInt32BigEndian(data[offset..]),
            };
            offset += lengthSize;
            if (length > data.Length - offset)
            {
                throw new InvalidDataException($"NAL unit length {length} runs past the end of the {data.Length}-byte buffer.");
            }

            ranges.Add(new Range(offset, offset + (int)length));
            offset += (int)length;
        }

        return ranges;
    }

    /// <summary>Converts length-prefixed NAL units to an Annex B byte stream (4-byte start codes).</summary>
    /// <param name="data">Length-prefixed NAL units.</param>
    /// <param name="lengthSize">Bytes per length field: 1, 2 or 4.</param>
    public static byte[] LengthPrefixedToAnnexB(ReadOnlySpan<byte> data, int lengthSize = 4)
    {
        var ranges = SplitLengthPrefixed(data, lengthSize);
        var total = 0;
        foreach (var range in ranges)
        {
            total += 4 + range.GetOffsetAndLength(data.Length).Length;
        }

        var output = new byte[total];
        var offset = 0;
        foreach (var range in ranges)
        {
            var nal = data[range];
            output[offset + 3] = 1;
            nal.CopyTo(output.AsSpan(offset + 4));
            offset += 4 + nal.Length;
        }

        return output;
    }

    /// <summary>Removes emulation prevention bytes (<c>00 00 03</c> → <c>00 00</c>) to get the RBSP of a NAL unit.</summary>
    /// <param name="nalUnit">NAL unit bytes (the header byte may be included; it is copied as is).</param>
    public static byte[] ToRbsp(ReadOnlySpan<byte> nalUnit)
    {
        var output = new byte[nalUnit.Length];
        var length = 0;
        var zeros = 0;
        foreach (var b in nalUnit)
        {
            if (zeros >= 2 && b == 3)
            {
                zeros = 0;
                continue;
            }

            zeros = b == 0 ? zeros + 1 : 0;
            output[length++] = b;
        }

        return length == output.Length ? output : output.AsSpan(0, length).ToArray();
    }

    private static void AddTrimmed(ReadOnlySpan<byte> stream, List<Range> ranges, int start, int end)
    {
        // The zero before a 4-byte start code (and trailing_zero_8bits) belongs to no NAL unit.
        while (end > start && stream[end - 1] == 0)
        {
            end--;
        }

        if (end > start)
        {
            ranges.Add(new Range(start, end));
        }
    }
}
