using Platform.Video.Media.H264;

namespace Platform.Video.Tests.Media.H264;

public sealed class NalUnitsTests
{
    [Fact]
    public void AnnexBToLengthPrefixed_HandlesThreeAndFourByteStartCodes()
    {
        byte[] annexB = [0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x68, 3, 0, 0, 0, 1, 0x65, 9, 9, 9];

        var prefixed = NalUnits.AnnexBToLengthPrefixed(annexB);

        Assert.Equal(new byte[] { 0, 0, 0, 3, 0x67, 1, 2, 0, 0, 0, 2, 0x68, 3, 0, 0, 0, 4, 0x65, 9, 9, 9 }, prefixed);
    }

    [Fact]
    public void LengthPrefixedToAnnexB_IsTheInverse()
    {
        byte[] prefixed = [0, 0, 0, 3, 0x67, 1, 2, 0, 0, 0, 2, 0x68, 3];

        var annexB = NalUnits.LengthPrefixedToAnnexB(prefixed);

        Assert.Equal(prefixed, NalUnits.AnnexBToLengthPrefixed(annexB));
        Assert.Equal(new byte[] { 0, 0, 0, 1, 0x67, 1, 2, 0, 0, 0, 1, 0x68, 3 }, annexB);
    }

    [Fact]
    public void SplitLengthPrefixed_RejectsALengthPastTheEnd()
    {
        byte[] prefixed = [0, 0, 0, 9, 0x65, 1];

        Assert.Throws<InvalidDataException>(() => NalUnits.SplitLengthPrefixed(prefixed));
    }

    [Fact]
    public void ToRbsp_RemovesEmulationPreventionBytes()
    {
        byte[] nal = [0x67, 0, 0, 3, 1, 0, 0, 3, 0, 5];

        Assert.Equal(new byte[] { 0x67, 0, 0, 1, 0, 0, 0, 5 }, NalUnits.ToRbsp(nal));
    }

    [Fact]
    public void TypeOf_ReadsTheLowFiveBits()
    {
        Assert.Equal(NalUnitType.IdrSlice, NalUnits.TypeOf([0x65]));
        Assert.Equal(NalUnitType.Sps, NalUnits.TypeOf([0x67]));
        Assert.Equal(NalUnitType.NonIdrSlice, NalUnits.TypeOf([0x41]));
    }

    [Fact]
    public void ContainsIdrSlice_FindsAnIdrAfterOtherNalUnits()
    {
        Assert.True(NalUnits.ContainsIdrSlice([0, 0, 0, 2, 0x09, 0xF0, 0, 0, 0, 2, 0x65, 1]));
        Assert.False(NalUnits.ContainsIdrSlice([0, 0, 0, 2, 0x09, 0xF0, 0, 0, 0, 2, 0x41, 1]));
    }
}
