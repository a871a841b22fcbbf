using Platform.Streams.Log;

namespace Platform.Streams.Tests;

public sealed class SequenceNumberTests
{
    [Theory]
    [InlineData(0u, 0L)]
    [InlineData(1u, 12345L)]
    [InlineData(uint.MaxValue, SequenceNumber.MaxOffset)]
    public void SequenceNumbers_RoundTripTheirSegmentAndOffset(uint segment, long offset)
    {
        var text = new SequenceNumber(segment, offset).ToString();

        Assert.Equal(SequenceNumber.Digits, text.Length);
        Assert.True(SequenceNumber.TryParse(text, out var parsed, out var error), error);
        Assert.Equal(new SequenceNumber(segment, offset), parsed);
    }

    [Fact]
    public void LaterPositions_HaveLargerNumbers_AsStringsAndAsNumbers()
    {
        var positions = new[] { new SequenceNumber(0, 0), new SequenceNumber(0, 1), new SequenceNumber(0, SequenceNumber.MaxOffset), new SequenceNumber(1, 0), new SequenceNumber(7, 99), new SequenceNumber(uint.MaxValue, 5) };
        for (var i = 1; i < positions.Length; i++)
        {
            Assert.True(positions[i] > positions[i - 1]);
            var earlier = positions[i - 1].ToString();
            var later = positions[i].ToString();
            Assert.True(string.CompareOrdinal(later, earlier) > 0);
            Assert.True(System.Numerics.BigInteger.Parse(later, System.Globalization.CultureInfo.InvariantCulture) > System.Numerics.BigInteger.Parse(earlier, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("12a")]
    [InlineData("-1")]
    [InlineData("49590338271490256608559692538361571095921575989136588898")]
    [InlineData("1")]
    public void ForeignOrMalformedSequenceNumbers_AreRejectedWithAReason(string text)
    {
        Assert.False(SequenceNumber.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void OffsetsBeyondFortyBits_CannotBeFormatted() =>
        Assert.Throws<InvalidOperationException>(() => new SequenceNumber(0, SequenceNumber.MaxOffset + 1).ToString());
}
