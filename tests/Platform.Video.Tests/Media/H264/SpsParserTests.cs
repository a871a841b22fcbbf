using Platform.Video.Media.H264;

namespace Platform.Video.Tests.Media.H264;

public sealed class SpsParserTests
{
    // Parameter sets produced by ffmpeg 5.1 / libx264 from testsrc2 at the named size and profile.
    internal const string High720pSps = "6764001facd9405005bb0110000003001000000303c0f1831960";
    internal const string High720pPps = "68ebe3cb22c0";
    private const string High320x240Sps = "6764000dacd94141fb0110000003001000000303c0f1429960";
    private const string Baseline320x240Sps = "6742c00dd90141fb0110000003001000000303c0f142a480";
    private const string Main1080pSps = "674d4028eca03c0113f2e022000003000200000300781e30632c";
    private const string High422Cif = "677a000dbcd9416096c044000003000400000300c83c50a658";

    [Fact]
    public void Parse_ReadsHighProfile720p()
    {
        var sps = SpsParser.Parse(Convert.FromHexString(High720pSps));

        Assert.Equal(100, sps.ProfileIdc);
        Assert.Equal(31, sps.LevelIdc);
        Assert.Equal(1, sps.ChromaFormatIdc);
        Assert.Equal(8, sps.BitDepthLuma);
        Assert.True(sps.FrameMbsOnly);
        Assert.Equal((1280, 720), (sps.Width, sps.Height));
    }

    [Fact]
    public void Parse_ReadsHighProfile320x240()
    {
        var sps = SpsParser.Parse(Convert.FromHexString(High320x240Sps));

        Assert.Equal(100, sps.ProfileIdc);
        Assert.Equal(13, sps.LevelIdc);
        Assert.Equal((320, 240), (sps.Width, sps.Height));
    }

    [Fact]
    public void Parse_ReadsConstrainedBaselineWithoutChromaFields()
    {
        var sps = SpsParser.Parse(Convert.FromHexString(Baseline320x240Sps));

        Assert.Equal(66, sps.ProfileIdc);
        Assert.Equal(0xC0, sps.ConstraintFlags);
        Assert.Equal(1, sps.ChromaFormatIdc);
        Assert.Equal((320, 240), (sps.Width, sps.Height));
    }

    [Fact]
    public void Parse_AppliesFrameCroppingTo1080p()
    {
        // 1080 is not a multiple of 16: the SPS codes 1088 rows and crops 8.
        var sps = SpsParser.Parse(Convert.FromHexString(Main1080pSps));

        Assert.Equal(77, sps.ProfileIdc);
        Assert.Equal((1920, 1080), (sps.Width, sps.Height));
    }

    [Fact]
    public void Parse_UsesChromaSubsamplingOf422ForCropUnits()
    {
        var sps = SpsParser.Parse(Convert.FromHexString(High422Cif));

        Assert.Equal(122, sps.ProfileIdc);
        Assert.Equal(2, sps.ChromaFormatIdc);
        Assert.Equal((352, 288), (sps.Width, sps.Height));
    }

    [Fact]
    public void Parse_SkipsScalingListsToReachThePictureSize()
    {
        var nal = SpsBuilder.HighProfileWithScalingLists(widthInMbs: 40, heightInMbs: 23, cropBottom: 4);

        var sps = SpsParser.Parse(nal);

        Assert.Equal((640, 360), (sps.Width, sps.Height));
    }

    [Fact]
    public void Parse_RejectsATruncatedSps()
    {
        var bytes = Convert.FromHexString(High720pSps)[..6];

        Assert.Throws<InvalidDataException>(() => SpsParser.Parse(bytes));
    }

    [Fact]
    public void Parse_RejectsANalUnitThatIsNotAnSps()
    {
        Assert.Throws<InvalidDataException>(() => SpsParser.Parse(Convert.FromHexString(High720pPps)));
    }

    [Fact]
    public void Parse_RejectsRandomBytesWithoutThrowingAnythingElse()
    {
        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(1, 40)];
            random.NextBytes(bytes);
            bytes[0] = 0x67;
            try
            {
                var sps = SpsParser.Parse(bytes);
                Assert.InRange(sps.Width, 1, 16384);
                Assert.InRange(sps.Height, 1, 32768);
            }
            catch (InvalidDataException)
            {
            }
        }
    }
}
