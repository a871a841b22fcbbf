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

    [Fact]
    public void TheNumberBelowEveryRecord_RoundTrips_AndSortsBelowTheFirstRecordAndAboveNothingElse()
    {
        var text = SequenceNumber.BeforeFirst.ToString();
        var first = new SequenceNumber(0, 0).ToString();

        Assert.Equal(SequenceNumber.Digits, text.Length);
        Assert.True(SequenceNumber.TryParse(text, out var parsed, out var error), error);
        Assert.Equal(SequenceNumber.BeforeFirst, parsed);
        Assert.True(string.CompareOrdinal(text, first) < 0);
        Assert.Equal(System.Numerics.BigInteger.Parse(first, System.Globalization.CultureInfo.InvariantCulture) - 1, System.Numerics.BigInteger.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(SequenceNumber.BeforeFirst, SequenceNumber.Before(new SequenceNumber(0, 0)));
        var utf8 = new byte[SequenceNumber.Digits];
        SequenceNumber.BeforeFirst.FormatUtf8(utf8);
        Assert.Equal(text, System.Text.Encoding.ASCII.GetString(utf8));

        // One less again is not a number this platform issues.
        var below = (System.Numerics.BigInteger.Parse(text, System.Globalization.CultureInfo.InvariantCulture) - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(SequenceNumber.TryParse(below, out _, out _));
    }

    [Fact]
    public void TheNumberBeforeAPosition_IsOneLess_AndCrossesBackIntoTheSegmentBefore()
    {
        Assert.Equal(new SequenceNumber(3, 99), SequenceNumber.Before(new SequenceNumber(3, 100)));
        Assert.Equal(new SequenceNumber(2, SequenceNumber.MaxOffset), SequenceNumber.Before(new SequenceNumber(3, 0)));
        foreach (var position in new[] { new SequenceNumber(3, 100), new SequenceNumber(3, 0), new SequenceNumber(0, 1) })
        {
            Assert.True(SequenceNumber.Before(position) < position);
            Assert.True(string.CompareOrdinal(SequenceNumber.Before(position).ToString(), position.ToString()) < 0);
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
    public void FormatUtf8_WritesTheDigitsOfTheDefiningSum_ForEdgeAndRandomPositions()
    {
        var random = new Random(20261201);
        var positions = new List<SequenceNumber>
        {
            new(0, 0), new(0, 1), new(0, 999_999_999), new(0, 1_000_000_000), new(0, uint.MaxValue), new(0, (long)uint.MaxValue + 1),
            new(0, SequenceNumber.MaxOffset), new(1, 0), new(255, SequenceNumber.MaxOffset), new(1u << 24, 0), new(uint.MaxValue, 0),
            new(uint.MaxValue, SequenceNumber.MaxOffset),
        };
        for (var i = 0; i < 2000; i++)
        {
            positions.Add(new SequenceNumber((uint)random.NextInt64(0, (long)uint.MaxValue + 1), random.NextInt64(0, SequenceNumber.MaxOffset + 1)));
        }

        Span<byte> digits = stackalloc byte[SequenceNumber.Digits];
        foreach (var position in positions)
        {
            // 10^55 + 2^72 + segment·2^40 + offset, by BigInteger: the definition, not the code under test.
            var expected = System.Numerics.BigInteger.Pow(10, 55) + (System.Numerics.BigInteger.One << 72)
                + ((System.Numerics.BigInteger)position.Segment << 40) + position.Offset;
            position.FormatUtf8(digits);
            Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Text.Encoding.ASCII.GetString(digits));
            Assert.Equal(position.ToString(), System.Text.Encoding.ASCII.GetString(digits));
        }
    }

    [Fact]
    public void OffsetsBeyondFortyBits_CannotBeFormatted() =>
        Assert.Throws<InvalidOperationException>(() => new SequenceNumber(0, SequenceNumber.MaxOffset + 1).ToString());
}
