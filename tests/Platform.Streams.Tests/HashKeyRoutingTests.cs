using System.Globalization;
using Platform.Streams.Routing;

namespace Platform.Streams.Tests;

public sealed class HashKeyRoutingTests
{
    private static UInt128 U(string decimalText) => UInt128.Parse(decimalText, CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("a", "16955237001963240173058271559858726497")]
    [InlineData("partition-1", "198019941650871988756153596255032211816")]
    [InlineData("ü😀", "200438304801723010519237244440829101326")]
    public void PartitionKeys_HashToTheBigEndianMd5OfTheirUtf8Bytes(string partitionKey, string expected) =>
        Assert.Equal(U(expected), HashKey.FromPartitionKey(partitionKey));

    [Theory]
    [InlineData("0", "0")]
    [InlineData("340282366920938463463374607431768211455", "340282366920938463463374607431768211455")]
    [InlineData("000042", "42")]
    public void ExplicitHashKeys_InRange_Parse(string text, string expected)
    {
        Assert.True(HashKey.TryParse(text, out var value, out var error), error);
        Assert.Equal(U(expected), value);
    }

    [Theory]
    [InlineData("340282366920938463463374607431768211456")]
    [InlineData("-1")]
    [InlineData("1e5")]
    [InlineData(" 1")]
    [InlineData("")]
    [InlineData("99999999999999999999999999999999999999999")]
    public void ExplicitHashKeys_OutOfRangeOrMalformed_AreRejectedWithAReason(string text)
    {
        Assert.False(HashKey.TryParse(text, out _, out var error));
        Assert.Contains("ExplicitHashKey", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoShards_SplitTheKeySpaceAsKinesisDoes()
    {
        var ranges = HashKeyRange.SplitEvenly(2);
        Assert.Equal(new HashKeyRange(0, U("170141183460469231731687303715884105727")), ranges[0]);
        Assert.Equal(new HashKeyRange(U("170141183460469231731687303715884105728"), UInt128.MaxValue), ranges[1]);
    }

    [Fact]
    public void ThreeShards_SplitTheKeySpaceAsKinesisDoes()
    {
        var ranges = HashKeyRange.SplitEvenly(3);
        Assert.Equal(new HashKeyRange(0, U("113427455640312821154458202477256070484")), ranges[0]);
        Assert.Equal(new HashKeyRange(U("113427455640312821154458202477256070485"), U("226854911280625642308916404954512140969")), ranges[1]);
        Assert.Equal(new HashKeyRange(U("226854911280625642308916404954512140970"), UInt128.MaxValue), ranges[2]);
    }

    [Fact]
    public void AnyShardCount_CoversTheWholeSpace_WithAdjacentNonOverlappingRanges()
    {
        foreach (var count in Enumerable.Range(1, 64).Append(500).Append(10_000))
        {
            var ranges = HashKeyRange.SplitEvenly(count);
            Assert.Equal(count, ranges.Count);
            Assert.Equal(UInt128.Zero, ranges[0].Start);
            Assert.Equal(UInt128.MaxValue, ranges[^1].End);
            for (var i = 1; i < count; i++)
            {
                Assert.Equal(ranges[i - 1].End + 1, ranges[i].Start);
                Assert.True(ranges[i - 1].IsAdjacentTo(ranges[i]));
            }
        }
    }

    [Fact]
    public void SplittingAtAKey_GivesTwoAdjacentChildren_AndRejectsKeysOutsideTheRange()
    {
        var parent = HashKeyRange.SplitEvenly(4)[1];
        var (lower, upper) = parent.SplitAt(parent.Start + 1000);
        Assert.Equal(parent.Start, lower.Start);
        Assert.Equal(parent.End, upper.End);
        Assert.True(lower.IsAdjacentTo(upper));
        Assert.Throws<ArgumentOutOfRangeException>(() => parent.SplitAt(parent.Start));
        Assert.Throws<ArgumentOutOfRangeException>(() => parent.SplitAt(parent.End + 1));
        Assert.False(HashKeyRange.SplitEvenly(4)[0].IsAdjacentTo(HashKeyRange.SplitEvenly(4)[2]));
    }

    [Fact]
    public void ShardIds_FormatWithTwelveDigits_AndParseBack()
    {
        Assert.Equal("shardId-000000000007", new ShardId(7).ToString());
        Assert.Equal(new ShardId(123), ShardId.Parse("shardId-000000000123"));
        Assert.False(ShardId.TryParse("shardId-7", out _));
        Assert.False(ShardId.TryParse("shard-000000000007", out _));
        Assert.Throws<FormatException>(() => ShardId.Parse("shardId-00000000000x"));
    }

    [Fact]
    public void PartitionKeys_AreOneTo256UnicodeCharacters()
    {
        Assert.NotNull(PartitionKeys.Validate(""));
        Assert.NotNull(PartitionKeys.Validate(null));
        Assert.Null(PartitionKeys.Validate(new string('k', 256)));
        Assert.Contains("256", PartitionKeys.Validate(new string('k', 257)), StringComparison.Ordinal);
        Assert.Null(PartitionKeys.Validate(string.Concat(Enumerable.Repeat("😀", 256))));
        Assert.NotNull(PartitionKeys.Validate(string.Concat(Enumerable.Repeat("😀", 257))));
    }
}
