using System.Buffers.Binary;
using System.Globalization;

namespace Platform.Video.Media.H264;

/// <summary>
/// The AVCDecoderConfigurationRecord (<c>avcC</c>, ISO/IEC 14496-15 clause 5.3.3.1): what an MP4 or FLV decoder needs
/// before the first H.264 frame. Parsed from an FLV sequence header, or built from in-band SPS/PPS (WebRTC).
/// </summary>
public sealed class AvcDecoderConfiguration
{
    // The record's counts are 5 bits (SPS) and 8 bits (PPS); real streams carry one or two of each.
    private const int MaxParameterSets = 32;

    private AvcDecoderConfiguration(
        int profileIndication,
        int profileCompatibility,
        int levelIndication,
        int nalLengthSize,
        IReadOnlyList<ReadOnlyMemory<byte>> sequenceParameterSets,
        IReadOnlyList<ReadOnlyMemory<byte>> pictureParameterSets,
        int chromaFormat,
        int bitDepthLuma,
        int bitDepthChroma,
        IReadOnlyList<ReadOnlyMemory<byte>> sequenceParameterSetExtensions)
    {
        ProfileIndication = profileIndication;
        ProfileCompatibility = profileCompatibility;
        LevelIndication = levelIndication;
        NalLengthSize = nalLengthSize;
        SequenceParameterSets = sequenceParameterSets;
        PictureParameterSets = pictureParameterSets;
        ChromaFormat = chromaFormat;
        BitDepthLuma = bitDepthLuma;
        BitDepthChroma = bitDepthChroma;
        SequenceParameterSetExtensions = sequenceParameterSetExtensions;
    }

    /// <summary><c>AVCProfileIndication</c> (the SPS <c>profile_idc</c>).</summary>
    public int ProfileIndication { get; }

    /// <summary><c>profile_compatibility</c> (the SPS constraint flags byte).</summary>
    public int ProfileCompatibility { get; }

    /// <summary><c>AVCLevelIndication</c> (the SPS <c>level_idc</c>).</summary>
    public int LevelIndication { get; }

    /// <summary>Bytes per NAL unit length prefix in samples: 1, 2 or 4.</summary>
    public int NalLengthSize { get; }

    /// <summary>The SPS NAL units (header byte first).</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> SequenceParameterSets { get; }

    /// <summary>The PPS NAL units (header byte first).</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> PictureParameterSets { get; }

    /// <summary><c>chroma_format</c> for high profiles (1 = 4:2:0 when the record omits it).</summary>
    public int ChromaFormat { get; }

    /// <summary>Luma bit depth for high profiles (8 when the record omits it).</summary>
    public int BitDepthLuma { get; }

    /// <summary>Chroma bit depth for high profiles (8 when the record omits it).</summary>
    public int BitDepthChroma { get; }

    /// <summary>SPS extension NAL units for high profiles (usually none).</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> SequenceParameterSetExtensions { get; }

    /// <summary>The RFC 6381 codec string, <c>avc1.PPCCLL</c> in lower-case hex (for example <c>avc1.64001f</c>).</summary>
    public string CodecString => FormatCodecString(ProfileIndication, ProfileCompatibility, LevelIndication);

    /// <summary>Formats the RFC 6381 codec string <c>avc1.PPCCLL</c>.</summary>
    /// <param name="profileIdc">Profile.</param>
    /// <param name="constraintFlags">Profile compatibility / constraint flags byte.</param>
    /// <param name="levelIdc">Level.</param>
    public static string FormatCodecString(int profileIdc, int constraintFlags, int levelIdc) =>
        string.Create(CultureInfo.InvariantCulture, $"avc1.{profileIdc & 0xFF:x2}{constraintFlags & 0xFF:x2}{levelIdc & 0xFF:x2}");

    /// <summary>A copy that declares <paramref name="nalLengthSize"/>-byte NAL unit lengths (the record's data is unchanged).</summary>
    /// <param name="nalLengthSize">1, 2 or 4.</param>
    public AvcDecoderConfiguration WithNalLengthSize(int nalLengthSize) =>
        nalLengthSize is 1 or 2 or 4
            ? new AvcDecoderConfiguration(
                ProfileIndication,
                ProfileCompatibility,
                LevelIndication,
                nalLengthSize,
                SequenceParameterSets,
                PictureParameterSets,
                ChromaFormat,
                BitDepthLuma,
                BitDepthChroma,
                SequenceParameterSetExtensions)
            : throw new ArgumentOutOfRangeException(nameof(nalLengthSize), nalLengthSize, "NAL length size must be 1, 2 or 4.");

    /// <summary>Parses the first SPS, for the picture size and profile details.</summary>
    /// <exception cref="InvalidDataException">The SPS is malformed.</exception>
    public SequenceParameterSet ParseSequenceParameterSet() => SpsParser.Parse(SequenceParameterSets[0].Span);

    /// <summary>Builds a record from in-band parameter sets, taking profile, compatibility and level from the first SPS.</summary>
    /// <param name="sequenceParameterSets">SPS NAL units (at least one).</param>
    /// <param name="pictureParameterSets">PPS NAL units (at least one).</param>
    /// <exception cref="InvalidDataException">A parameter set is missing, of the wrong type, too large, or the SPS is malformed.</exception>
    public static AvcDecoderConfiguration Build(
        IReadOnlyList<ReadOnlyMemory<byte>> sequenceParameterSets,
        IReadOnlyList<ReadOnlyMemory<byte>> pictureParameterSets)
    {
        if (sequenceParameterSets.Count is 0 or > MaxParameterSets || pictureParameterSets.Count is 0 or > MaxParameterSets)
        {
            throw new InvalidDataException("An avcC record needs 1-32 SPS and 1-32 PPS NAL units.");
        }

        foreach (var pps in pictureParameterSets)
        {
            if (NalUnits.TypeOf(pps.Span) != NalUnitType.Pps || pps.Length > ushort.MaxValue)
            {
                throw new InvalidDataException("Expected PPS NAL units (type 8, at most 65535 bytes).");
            }
        }

        foreach (var set in sequenceParameterSets)
        {
            if (set.Length > ushort.MaxValue)
            {
                throw new InvalidDataException("SPS NAL unit is larger than 65535 bytes.");
            }
        }

        var sps = SpsParser.Parse(sequenceParameterSets[0].Span);
        return new AvcDecoderConfiguration(
            sps.ProfileIdc,
            sps.ConstraintFlags,
            sps.LevelIdc,
            4,
            Copy(sequenceParameterSets),
            Copy(pictureParameterSets),
            sps.ChromaFormatIdc,
            sps.BitDepthLuma,
            sps.BitDepthChroma,
            []);
    }

    /// <summary>Builds a record from one SPS and one PPS.</summary>
    /// <param name="sequenceParameterSet">The SPS NAL unit.</param>
    /// <param name="pictureParameterSet">The PPS NAL unit.</param>
    /// <exception cref="InvalidDataException">As for <see cref="Build(IReadOnlyList{ReadOnlyMemory{byte}}, IReadOnlyList{ReadOnlyMemory{byte}})"/>.</exception>
    public static AvcDecoderConfiguration Build(ReadOnlyMemory<byte> sequenceParameterSet, ReadOnlyMemory<byte> pictureParameterSet) =>
        Build([sequenceParameterSet], [pictureParameterSet]);

    /// <summary>Parses an avcC record.</summary>
    /// <param name="record">The record bytes (the avcC box payload, or an FLV AVC sequence header's data).</param>
    /// <exception cref="InvalidDataException">Wrong version, truncated, or without an SPS/PPS.</exception>
    public static AvcDecoderConfiguration Parse(ReadOnlySpan<byte> record)
    {
        if (record.Length < 7)
        {
            throw new InvalidDataException($"avcC record is too short ({record.Length} bytes).");
        }

        if (record[0] != 1)
        {
            throw new InvalidDataException($"avcC configurationVersion is {record[0]}, expected 1.");
        }

        var profile = record[1];
        var compatibility = record[2];
        var level = record[3];
        var nalLengthSize = (record[4] & 0x03) + 1;
        if (nalLengthSize == 3)
        {
            throw new InvalidDataException("avcC NAL length size of 3 bytes is not allowed.");
        }

        var spsCount = record[5] & 0x1F;
        var offset = 6;
        var sps = ReadParameterSets(record, ref offset, spsCount, NalUnitType.Sps);
        if (sps.Count == 0)
        {
            throw new InvalidDataException("avcC record has no SPS.");
        }

        if (offset >= record.Length)
        {
            throw new InvalidDataException("avcC record ends before its PPS count.");
        }

        var ppsCount = record[offset];
        offset++;
        var pps = ReadParameterSets(record, ref offset, ppsCount, NalUnitType.Pps);
        if (pps.Count == 0)
        {
            throw new InvalidDataException("avcC record has no PPS.");
        }

        int chromaFormat = 1, bitDepthLuma = 8, bitDepthChroma = 8;
        IReadOnlyList<ReadOnlyMemory<byte>> extensions = [];

        // Many encoders omit the high-profile extension; it is optional in practice, so only read it when present.
        if (profile is 100 or 110 or 122 or 144 && record.Length - offset >= 4)
        {
            chromaFormat = record[offset] & 0x03;
            bitDepthLuma = (record[offset + 1] & 0x07) + 8;
            bitDepthChroma = (record[offset + 2] & 0x07) + 8;
            var extensionCount = record[offset + 3];
            offset += 4;
            extensions = ReadParameterSets(record, ref offset, extensionCount, NalUnitType.SpsExtension);
        }

        return new AvcDecoderConfiguration(
            profile, compatibility, level, nalLengthSize, sps, pps, chromaFormat, bitDepthLuma, bitDepthChroma, extensions);
    }

    /// <summary>Serialises the record (the payload of an <c>avcC</c> box).</summary>
    public byte[] ToBytes()
    {
        var highProfile = ProfileIndication is 100 or 110 or 122 or 144;
        var size = 7 + SumLengths(SequenceParameterSets) + SumLengths(PictureParameterSets);
        if (highProfile)
        {
            size += 4 + SumLengths(SequenceParameterSetExtensions);
        }

        var output = new byte[size];
        output[0] = 1;
        output[1] = (byte)ProfileIndication;
        output[2] = (byte)ProfileCompatibility;
        output[3] = (byte)LevelIndication;
        output[4] = (byte)(0xFC | (NalLengthSize - 1));
        output[5] = (byte)(0xE0 | SequenceParameterSets.Count);
        var offset = 6;
        WriteParameterSets(output, ref offset, SequenceParameterSets);
        output[offset++] = (byte)PictureParameterSets.Count;
        WriteParameterSets(output, ref offset, PictureParameterSets);
        if (highProfile)
        {
            output[offset++] = (byte)(0xFC | ChromaFormat);
            output[offset++] = (byte)(0xF8 | (BitDepthLuma - 8));
            output[offset++] = (byte)(0xF8 | (BitDepthChroma - 8));
            output[offset++] = (byte)SequenceParameterSetExtensions.Count;
            WriteParameterSets(output, ref offset, SequenceParameterSetExtensions);
        }

        return output;
    }

    private static List<ReadOnlyMemory<byte>> ReadParameterSets(ReadOnlySpan<byte> record, ref int offset, int count, NalUnitType expected)
    {
        var sets = new List<ReadOnlyMemory<byte>>(count);
        for (var i = 0; i < count; i++)
        {
            if (record.Length - offset < 2)
            {
                throw new InvalidDataException("avcC record ends inside a parameter set length.");
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(record[offset..]);
            offset += 2;
            if (length == 0 || length > record.Length - offset)
            {
                throw new InvalidDataException($"avcC parameter set length {length} is empty or runs past the record.");
            }

            var set = record.Slice(offset, length);
            if (NalUnits.TypeOf(set) != expected)
            {
                throw new InvalidDataException($"avcC holds a {NalUnits.TypeOf(set)} NAL unit where a {expected} belongs.");
            }

            sets.Add(set.ToArray());
            offset += length;
        }

        return sets;
    }

    private static void WriteParameterSets(byte[] output, ref int offset, IReadOnlyList<ReadOnlyMemory<byte>> sets)
    {
        foreach (var set in sets)
        {
            BinaryPrimitives.WriteUInt16BigEndian(output.AsSpan(offset), (ushort)set.Length);
            set.Span.CopyTo(output.AsSpan(offset + 2));
            offset += 2 + set.Length;
        }
    }

    private static int SumLengths(IReadOnlyList<ReadOnlyMemory<byte>> sets)
    {
        var total = 0;
        foreach (var set in sets)
        {
            total += 2 + set.Length;
        }

        return total;
    }

    private static ReadOnlyMemory<byte>[] Copy(IReadOnlyList<ReadOnlyMemory<byte>> sets)
    {
        var copies = new ReadOnlyMemory<byte>[sets.Count];
        for (var i = 0; i < sets.Count; i++)
        {
            copies[i] = sets[i].ToArray();
        }

        return copies;
    }
}
