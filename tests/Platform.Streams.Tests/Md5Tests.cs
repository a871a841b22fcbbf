using System.Security.Cryptography;
using System.Text;
using Platform.Streams.Routing;

namespace Platform.Streams.Tests;

/// <summary>The managed MD5 that routes partition keys gives the same digests as the platform's MD5.</summary>
public sealed class Md5Tests
{
    [Theory]
    [InlineData("", "d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("a", "0cc175b9c0f1b6a831c399e269772661")]
    [InlineData("abc", "900150983cd24fb0d6963f7d28e17f72")]
    [InlineData("message digest", "f96b697d7cb7938d525a2f31aaf161d0")]
    [InlineData("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b")]
    [InlineData("12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a")]
    public void Known_inputs_give_the_RFC_1321_digests(string input, string expectedHex)
    {
        Span<byte> digest = stackalloc byte[Md5.DigestSize];

        Md5.HashData(Encoding.ASCII.GetBytes(input), digest);

        Assert.Equal(expectedHex, Convert.ToHexStringLower(digest));
    }

    [Fact]
    public void Every_length_up_to_three_blocks_matches_the_platform_MD5()
    {
        var random = new Random(1321);
        var data = new byte[1100];
        random.NextBytes(data);
        Span<byte> ours = stackalloc byte[Md5.DigestSize];
        for (var length = 0; length <= data.Length; length++)
        {
            Md5.HashData(data.AsSpan(0, length), ours);
#pragma warning disable CA5351 // the reference for a placement hash
            var reference = MD5.HashData(data.AsSpan(0, length));
#pragma warning restore CA5351
            Assert.True(ours.SequenceEqual(reference), $"length {length}");
        }
    }

    [Fact]
    public void A_digest_span_shorter_than_16_bytes_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Md5.HashData([1, 2, 3], new byte[15]));
    }
}
