namespace Platform.Video.Ingest.Rtmp;

/// <summary>Sample rate and channels from an AAC AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1).</summary>
internal sealed record AacConfig(int ObjectType, int SampleRate, int Channels)
{
    private static readonly int[] SampleRates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

    /// <param name="asc">The AudioSpecificConfig bytes.</param>
    /// <param name="flvChannels">Channels from the FLV audio tag header, used when the config defers to a program config element.</param>
    public static AacConfig Parse(ReadOnlySpan<byte> asc, int flvChannels)
    {
        if (asc.Length < 2)
        {
            throw new RtmpProtocolException($"AAC sequence header of {asc.Length} bytes is too short for an AudioSpecificConfig.");
        }

        var bits = new RtmpBitReader(asc);
        var objectType = (int)bits.ReadBits(5);
        if (objectType == 31)
        {
            objectType = 32 + (int)bits.ReadBits(6);
        }

        var frequencyIndex = (int)bits.ReadBits(4);
        int sampleRate;
        if (frequencyIndex == 15)
        {
            sampleRate = (int)bits.ReadBits(24);
        }
        else if (frequencyIndex < SampleRates.Length)
        {
            sampleRate = SampleRates[frequencyIndex];
        }
        else
        {
            throw new RtmpProtocolException($"AudioSpecificConfig sampling frequency index {frequencyIndex} is reserved.");
        }

        var channelConfig = (int)bits.ReadBits(4);
        var channels = channelConfig switch
        {
            0 => flvChannels,
            >= 1 and <= 6 => channelConfig,
            7 => 8,
            11 => 7,
            12 or 14 => 8,
            13 => 24,
            _ => throw new RtmpProtocolException($"AudioSpecificConfig channel configuration {channelConfig} is reserved."),
        };

        if (objectType == 0 || sampleRate is < 1000 or > 192_000)
        {
            throw new RtmpProtocolException($"AudioSpecificConfig with object type {objectType} at {sampleRate} Hz is not usable.");
        }

        return new AacConfig(objectType, sampleRate, channels);
    }
}
