using Platform.Video.Media.Aac;

namespace Platform.Video.Tests.Media.Aac;

public sealed class AudioSpecificConfigTests
{
    [Fact]
    public void Parse_Reads48kHzStereoLc()
    {
        var config = AudioSpecificConfig.Parse([0x11, 0x90]);

        Assert.Equal(2, config.ObjectType);
        Assert.Equal(48000, config.SamplingFrequency);
        Assert.Equal(2, config.ChannelCount);
        Assert.Equal(1024, config.FrameLength);
        Assert.Equal("mp4a.40.2", config.CodecString);
    }

    [Fact]
    public void Parse_Reads44100HzMonoLc()
    {
        var config = AudioSpecificConfig.Parse([0x12, 0x08]);

        Assert.Equal(44100, config.SamplingFrequency);
        Assert.Equal(1, config.ChannelCount);
    }

    [Fact]
    public void Parse_ReadsAnExplicitSamplingFrequency()
    {
        // object type 2, index 15, 24-bit frequency 22000 (0x0055F0), channel configuration 2
        var config = AudioSpecificConfig.Parse([0x17, 0x80, 0x2A, 0xF8, 0x10]);

        Assert.Equal(22000, config.SamplingFrequency);
        Assert.Equal(15, config.SamplingFrequencyIndex);
        Assert.Equal(2, config.ChannelConfiguration);
    }

    [Fact]
    public void Parse_ReadsAnEscapedObjectType()
    {
        // 31 escapes to 32 + 6 bits: 32 + 10 = 42 (USAC); then index 3 (48 kHz), channel configuration 2.
        var config = AudioSpecificConfig.Parse([0xF9, 0x46, 0x40]);

        Assert.Equal(42, config.ObjectType);
        Assert.Equal(48000, config.SamplingFrequency);
        Assert.Equal(2, config.ChannelConfiguration);
        Assert.Equal("mp4a.40.42", config.CodecString);
    }

    [Fact]
    public void Parse_ReadsExplicitHeAacSignalling()
    {
        // object type 5 (SBR), 24 kHz core, stereo, 48 kHz extension, core type 2 (LC).
        var config = AudioSpecificConfig.Parse([0x2B, 0x11, 0x88, 0x00]);

        Assert.Equal(5, config.ObjectType);
        Assert.Equal(24000, config.SamplingFrequency);
        Assert.Equal(48000, config.ExtensionSamplingFrequency);
        Assert.Equal("mp4a.40.5", config.CodecString);
    }

    [Theory]
    [InlineData(new byte[] { 0x11 })]
    [InlineData(new byte[] { 0x16, 0x90 })]
    [InlineData(new byte[] { 0x00, 0x10 })]
    public void Parse_RejectsTruncatedOrReservedValues(byte[] bytes)
    {
        Assert.Throws<InvalidDataException>(() => AudioSpecificConfig.Parse(bytes));
    }

    [Fact]
    public void Build_WritesTheTwoByteForm()
    {
        Assert.Equal(new byte[] { 0x11, 0x90 }, AudioSpecificConfig.Build(2, 3, 2));
    }

    [Fact]
    public void AdtsHeader_TryParse_ReadsAnLcFrameHeader()
    {
        // LC, 44.1 kHz (index 4), stereo, frame length 371, no CRC.
        byte[] header = [0xFF, 0xF1, 0x50, 0x80, 0x2E, 0x7F, 0xFC];

        Assert.True(AdtsHeader.TryParse(header, out var adts));

        Assert.Equal(2, adts.ObjectType);
        Assert.Equal(44100, adts.SamplingFrequency);
        Assert.Equal(2, adts.ChannelConfiguration);
        Assert.Equal(7, adts.HeaderLength);
        Assert.Equal(371, adts.FrameLength);
        Assert.Equal(new byte[] { 0x12, 0x10 }, adts.ToAudioSpecificConfig());
    }

    [Fact]
    public void AdtsHeader_TryParse_RejectsBytesWithoutASyncWord()
    {
        Assert.False(AdtsHeader.TryParse([0xFF, 0x00, 0x50, 0x80, 0x2E, 0x7F, 0xFC], out _));
        Assert.False(AdtsHeader.TryParse([0xFF, 0xF1], out _));
    }

    [Fact]
    public void Parse_OnRandomBytes_ThrowsOnlyInvalidDataException()
    {
        var random = new Random(5);
        for (var i = 0; i < 5000; i++)
        {
            var bytes = new byte[random.Next(0, 8)];
            random.NextBytes(bytes);
            try
            {
                var config = AudioSpecificConfig.Parse(bytes);
                Assert.True(config.SamplingFrequency > 0);
            }
            catch (InvalidDataException)
            {
            }
        }
    }
}
