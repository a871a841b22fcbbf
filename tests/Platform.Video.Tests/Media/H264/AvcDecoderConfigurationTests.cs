using Platform.Video.Media.H264;

namespace Platform.Video.Tests.Media.H264;

public sealed class AvcDecoderConfigurationTests
{
    // avcC written by ffmpeg (-c copy to mp4) for the same 720p high-profile SPS/PPS, high-profile extension included.
    private static readonly byte[] Sps = Convert.FromHexString(SpsParserTests.High720pSps);
    private static readonly byte[] Pps = Convert.FromHexString(SpsParserTests.High720pPps);

    [Fact]
    public void Build_TakesProfileCompatibilityAndLevelFromTheSps()
    {
        var config = AvcDecoderConfiguration.Build(Sps, Pps);

        Assert.Equal(100, config.ProfileIndication);
        Assert.Equal(0, config.ProfileCompatibility);
        Assert.Equal(31, config.LevelIndication);
        Assert.Equal(4, config.NalLengthSize);
        Assert.Equal("avc1.64001f", config.CodecString);
    }

    [Fact]
    public void ToBytes_ThenParse_RoundTripsEveryField()
    {
        var bytes = AvcDecoderConfiguration.Build(Sps, Pps).ToBytes();

        var parsed = AvcDecoderConfiguration.Parse(bytes);

        Assert.Equal(100, parsed.ProfileIndication);
        Assert.Equal(31, parsed.LevelIndication);
        Assert.Equal(4, parsed.NalLengthSize);
        Assert.Equal(Sps, Assert.Single(parsed.SequenceParameterSets).ToArray());
        Assert.Equal(Pps, Assert.Single(parsed.PictureParameterSets).ToArray());
        Assert.Equal(1, parsed.ChromaFormat);
        Assert.Equal(8, parsed.BitDepthLuma);
        Assert.Equal(bytes, parsed.ToBytes());
        Assert.Equal((1280, 720), (parsed.ParseSequenceParameterSet().Width, parsed.ParseSequenceParameterSet().Height));
    }

    [Fact]
    public void ToBytes_WritesTheLayoutOfIso14496Part15()
    {
        var bytes = AvcDecoderConfiguration.Build(Sps, Pps).ToBytes();

        var expected = Convert.FromHexString(
            "0164001fffe1" + "001a" + SpsParserTests.High720pSps + "01" + "0006" + SpsParserTests.High720pPps + "fdf8f800");
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void Parse_AcceptsAHighProfileRecordWithoutTheExtension()
    {
        // Some RTMP encoders stop after the PPS list even for high profile.
        var bytes = Convert.FromHexString(
            "0164001fffe1" + "001a" + SpsParserTests.High720pSps + "01" + "0006" + SpsParserTests.High720pPps);

        var parsed = AvcDecoderConfiguration.Parse(bytes);

        Assert.Single(parsed.PictureParameterSets);
        Assert.Equal(1, parsed.ChromaFormat);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0264001fffe1")]
    [InlineData("0164001fffe1001a6764")]
    [InlineData("0164001fffe0" + "01000668ebe3cb22c0")]
    [InlineData("0164001fffe1000668ebe3cb22c0" + "01000668ebe3cb22c0")]
    public void Parse_RejectsMalformedRecords(string hex)
    {
        Assert.Throws<InvalidDataException>(() => AvcDecoderConfiguration.Parse(Convert.FromHexString(hex)));
    }

    [Fact]
    public void Build_RejectsAPpsInPlaceOfAnSps()
    {
        Assert.Throws<InvalidDataException>(() => AvcDecoderConfiguration.Build(Pps, Pps));
    }

    [Fact]
    public void Parse_OnRandomBytes_ThrowsOnlyInvalidDataException()
    {
        var random = new Random(11);
        for (var i = 0; i < 5000; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            if (bytes.Length > 0)
            {
                bytes[0] = 1;
            }

            try
            {
                AvcDecoderConfiguration.Parse(bytes);
            }
            catch (InvalidDataException)
            {
            }
        }
    }
}
