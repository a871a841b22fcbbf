using System.Buffers;
using System.Text;
using Platform.Streams.Client.EventStream;

namespace Platform.Streams.Client.Tests.EventStream;

public sealed class Crc32Tests
{
    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("a", 0xE8B7BE43u)]
    [InlineData("123456789", 0xCBF43926u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x414FA339u)]
    public void Crc32_MatchesTheZlibCheckValues(string text, uint expected)
    {
        Assert.Equal(expected, Crc32.Compute(Encoding.ASCII.GetBytes(text)));
    }

    [Fact]
    public void Crc32_IsTheIeeePolynomial_NotCastagnoli()
    {
        // CRC-32C of "123456789" is 0xE3069283; the event stream format needs the IEEE one.
        Assert.NotEqual(0xE3069283u, Crc32.Compute("123456789"u8));
    }

    [Fact]
    public void Crc32_AgreesWithABitwiseReference_ForEveryLengthAroundTheEightByteStride()
    {
        var random = new Random(20251122);
        for (var length = 0; length <= 70; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(BitwiseReference(data), Crc32.Compute(data));
        }

        var large = new byte[1 << 20];
        random.NextBytes(large);
        Assert.Equal(BitwiseReference(large), Crc32.Compute(large));
    }

    [Fact]
    public void Crc32_ContinuedAcrossPieces_EqualsTheCrcOfTheWhole()
    {
        var data = new byte[257];
        new Random(7).NextBytes(data);
        var whole = Crc32.Compute(data);

        for (var split = 0; split <= data.Length; split++)
        {
            Assert.Equal(whole, Crc32.Compute(data.AsSpan(split), Crc32.Compute(data.AsSpan(0, split))));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(64)]
    public void Crc32_OfASegmentedSequence_EqualsTheCrcOfItsBytes(int segmentLength)
    {
        var data = new byte[1000];
        new Random(11).NextBytes(data);

        Assert.Equal(Crc32.Compute(data), Crc32.Compute(EventStreamTestData.Segmented(data, segmentLength)));
        Assert.Equal(Crc32.Compute(data), Crc32.Compute(new ReadOnlySequence<byte>(data)));
    }

    private static uint BitwiseReference(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
