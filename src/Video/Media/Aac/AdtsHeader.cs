namespace Platform.Video.Media.Aac;

/// <summary>An ADTS frame header (ISO/IEC 13818-7 / 14496-3 clause 1.A.2), for reading AAC elementary streams.</summary>
/// <param name="ObjectType">Audio object type (ADTS profile + 1; 2 = AAC LC).</param>
/// <param name="SamplingFrequencyIndex">The 4-bit sampling frequency index.</param>
/// <param name="ChannelConfiguration">The 3-bit channel configuration.</param>
/// <param name="HeaderLength">7 bytes, or 9 with a CRC.</param>
/// <param name="FrameLength">The whole frame's length, header included.</param>
/// <param name="RawDataBlocks">Raw data blocks in the frame (1 in practice).</param>
public readonly record struct AdtsHeader(
    int ObjectType,
    int SamplingFrequencyIndex,
    int ChannelConfiguration,
    int HeaderLength,
    int FrameLength,
    int RawDataBlocks)
{
    /// <summary>The sampling frequency in Hz.</summary>
    public int SamplingFrequency => AudioSpecificConfig.FrequencyForIndex(SamplingFrequencyIndex);

    /// <summary>The equivalent 2-byte AudioSpecificConfig.</summary>
    public byte[] ToAudioSpecificConfig() => AudioSpecificConfig.Build(ObjectType, SamplingFrequencyIndex, ChannelConfiguration);

    /// <summary>Reads a header at the start of <paramref name="data"/>.</summary>
    /// <param name="data">Bytes starting at a sync word.</param>
    /// <param name="header">The header when the result is true.</param>
    /// <returns>False when there is no sync word, too few bytes, or a field is invalid.</returns>
    public static bool TryParse(ReadOnlySpan<byte> data, out AdtsHeader header)
    {
        header = default;
        if (data.Length < 7 || data[0] != 0xFF || (data[1] & 0xF6) != 0xF0)
        {
            return false;
        }

        var protectionAbsent = (data[1] & 0x01) == 1;
        var objectType = ((data[2] >> 6) & 0x03) + 1;
        var frequencyIndex = (data[2] >> 2) & 0x0F;
        var channels = ((data[2] & 0x01) << 2) | (data[3] >> 6);
        var frameLength = ((data[3] & 0x03) << 11) | (data[4] << 3) | (data[5] >> 5);
        var blocks = (data[6] & 0x03) + 1;
        var headerLength = protectionAbsent ? 7 : 9;
        if (frequencyIndex > 12 || frameLength < headerLength)
        {
            return false;
        }

        header = new AdtsHeader(objectType, frequencyIndex, channels, headerLength, frameLength, blocks);
        return true;
    }
}
