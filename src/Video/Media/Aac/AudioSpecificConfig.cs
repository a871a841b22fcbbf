using System.Globalization;
using Platform.Video.Media.H264;

namespace Platform.Video.Media.Aac;

/// <summary>
/// The MPEG-4 AudioSpecificConfig (ISO/IEC 14496-3 clause 1.6.2.1) as carried in FLV AAC sequence headers, the MP4
/// <c>esds</c> DecoderSpecificInfo and derived from ADTS headers.
/// </summary>
public sealed record AudioSpecificConfig
{
    private static readonly int[] SamplingFrequencies =
        [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

    /// <summary>The signalled audio object type (2 = AAC LC, 5 = SBR/HE-AAC, 29 = PS/HE-AACv2); the codec string uses it.</summary>
    public int ObjectType { get; init; }

    /// <summary>Sampling frequency of the core decoder in Hz.</summary>
    public int SamplingFrequency { get; init; }

    /// <summary>The 4-bit sampling frequency index (15 when the frequency is explicit).</summary>
    public int SamplingFrequencyIndex { get; init; }

    /// <summary><c>channelConfiguration</c>: 1–6 channels as numbered, 7 = 8 channels, 0 = defined in a program config element.</summary>
    public int ChannelConfiguration { get; init; }

    /// <summary>The output sampling frequency with SBR (HE-AAC explicit signalling), else 0.</summary>
    public int ExtensionSamplingFrequency { get; init; }

    /// <summary>Samples per frame of the core decoder: 1024, or 960 when <c>frameLengthFlag</c> is set.</summary>
    public int FrameLength { get; init; } = 1024;

    /// <summary>Channel count from <see cref="ChannelConfiguration"/> (0 when a program config element defines it).</summary>
    public int ChannelCount => ChannelConfiguration == 7 ? 8 : ChannelConfiguration;

    /// <summary>The RFC 6381 codec string, <c>mp4a.40.N</c> with N the object type (for example <c>mp4a.40.2</c>).</summary>
    public string CodecString => FormatCodecString(ObjectType);

    /// <summary>Formats <c>mp4a.40.N</c>.</summary>
    /// <param name="objectType">The audio object type.</param>
    public static string FormatCodecString(int objectType) =>
        string.Create(CultureInfo.InvariantCulture, $"mp4a.40.{objectType}");

    /// <summary>The sampling frequency for a 4-bit index, or 0 when the index is reserved or escapes to an explicit value.</summary>
    /// <param name="index">The index.</param>
    public static int FrequencyForIndex(int index) => index is >= 0 and < 13 ? SamplingFrequencies[index] : 0;

    /// <summary>Parses an AudioSpecificConfig.</summary>
    /// <param name="data">The config bytes (2 bytes for plain AAC LC).</param>
    /// <exception cref="InvalidDataException">Truncated, or a reserved sampling frequency index / object type.</exception>
    public static AudioSpecificConfig Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < 2)
        {
            throw new InvalidDataException($"AudioSpecificConfig is too short ({data.Length} bytes).");
        }

        var reader = new BitReader(data);
        var objectType = ReadObjectType(ref reader);
        if (objectType == 0)
        {
            throw new InvalidDataException("AudioSpecificConfig has audio object type 0 (null).");
        }

        var frequency = ReadFrequency(ref reader, out var frequencyIndex);
        var channelConfiguration = (int)reader.ReadBits(4);
        if (channelConfiguration > 7)
        {
            throw new InvalidDataException($"AudioSpecificConfig channel configuration {channelConfiguration} is reserved.");
        }

        var coreType = objectType;
        var extensionFrequency = 0;
        if (objectType is 5 or 29)
        {
            // Explicit hierarchical SBR signalling: the output rate, then the core codec's object type.
            extensionFrequency = ReadFrequency(ref reader, out _);
            coreType = ReadObjectType(ref reader);
            if (coreType == 22)
            {
                reader.Skip(4);
            }
        }

        var frameLength = 1024;
        if (coreType is 1 or 2 or 3 or 4 or 6 or 7 or 17 or 19 or 20 or 21 or 22 or 23 && reader.RemainingBits >= 1)
        {
            frameLength = reader.ReadFlag() ? 960 : 1024;
        }

        return new AudioSpecificConfig
        {
            ObjectType = objectType,
            SamplingFrequency = frequency,
            SamplingFrequencyIndex = frequencyIndex,
            ChannelConfiguration = channelConfiguration,
            ExtensionSamplingFrequency = extensionFrequency,
            FrameLength = frameLength,
        };
    }

    /// <summary>Writes the 2-byte config for a plain object type, frequency index and channel configuration (as ADTS has).</summary>
    /// <param name="objectType">Audio object type (1–30).</param>
    /// <param name="samplingFrequencyIndex">Index 0–12.</param>
    /// <param name="channelConfiguration">Channel configuration 0–7.</param>
    public static byte[] Build(int objectType, int samplingFrequencyIndex, int channelConfiguration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(objectType, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(objectType, 30);
        ArgumentOutOfRangeException.ThrowIfNegative(samplingFrequencyIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(samplingFrequencyIndex, 12);
        ArgumentOutOfRangeException.ThrowIfNegative(channelConfiguration);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(channelConfiguration, 7);
        var bits = (objectType << 11) | (samplingFrequencyIndex << 7) | (channelConfiguration << 3);
        return [(byte)(bits >> 8), (byte)bits];
    }

    private static int ReadObjectType(ref BitReader reader)
    {
        var objectType = (int)reader.ReadBits(5);
        return objectType == 31 ? 32 + (int)reader.ReadBits(6) : objectType;
    }

    private static int ReadFrequency(ref BitReader reader, out int index)
    {
        index = (int)reader.ReadBits(4);
        if (index == 15)
        {
            var explicitFrequency = (int)reader.ReadBits(24);
            if (explicitFrequency == 0)
            {
                throw new InvalidDataException("AudioSpecificConfig has an explicit sampling frequency of 0.");
            }

            return explicitFrequency;
        }

        return index < SamplingFrequencies.Length
            ? SamplingFrequencies[index]
            : throw new InvalidDataException($"AudioSpecificConfig sampling frequency index {index} is reserved.");
    }
}
