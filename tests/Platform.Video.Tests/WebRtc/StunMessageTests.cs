using System.Net;
using System.Text;
using Platform.Video.Ingest.WebRtc.Stun;

namespace Platform.Video.Tests.WebRtc;

public sealed class StunMessageTests
{
    // RFC 5769 section 2.1 and 2.2.
    private const string SampleRequest =
        "000100582112a442b7e7a701bc34d686fa87dfae802200105354554e207465737420636c69656e74002400046e0001ff80290008932ff9b151263b36" +
        "000600096576746a3a68367659202020000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a280280004e57a3bcf";

    private const string SampleIpv4Response =
        "0101003c2112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f7220002000080001a147e112a643" +
        "000800142b91f599fd9e90c38c7489f92af9ba53f06be7d780280004c07d4c96";

    private static readonly byte[] Password = Encoding.UTF8.GetBytes("VOkJxbRl1RmTxUk/WvJxBt");

    [Fact]
    public void Parse_ReadsTheRfc5769SampleRequest_AndVerifiesIntegrityAndFingerprint()
    {
        Assert.True(StunMessage.TryParse(Hex.Bytes(SampleRequest), out var message));
        Assert.Equal(StunMessageType.BindingRequest, message!.Type);
        Assert.Equal("evtj:h6vY", message.Username);
        Assert.Equal(0x6e0001ffu, message.Priority);
        Assert.Equal(0x932ff9b151263b36ul, message.IceControlled);
        Assert.True(message.VerifyMessageIntegrity(Password));
        Assert.True(message.VerifyFingerprint());
    }

    [Fact]
    public void Parse_ReadsTheRfc5769Ipv4Response_XorMappedAddress()
    {
        Assert.True(StunMessage.TryParse(Hex.Bytes(SampleIpv4Response), out var message));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853), message!.XorMappedAddress);
        Assert.True(message.VerifyMessageIntegrity(Password));
        Assert.True(message.VerifyFingerprint());
    }

    [Fact]
    public void Builder_ReproducesTheRfc5769Ipv4ResponseByteForByte()
    {
        var transaction = Hex.Bytes("b7e7a701bc34d686fa87dfae");
        var built = new StunMessageBuilder(StunMessageType.BindingSuccessResponse, transaction, paddingByte: 0x20)
            .Add(StunAttributeType.Software, "test vector"u8)
            .AddXorMappedAddress(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853))
            .AddMessageIntegrity(Password)
            .AddFingerprint()
            .ToArray();
        Assert.Equal(SampleIpv4Response, Convert.ToHexStringLower(built));
    }

    [Fact]
    public void VerifyMessageIntegrity_RejectsAWrongPassword()
    {
        Assert.True(StunMessage.TryParse(Hex.Bytes(SampleRequest), out var message));
        Assert.False(message!.VerifyMessageIntegrity("wrong-password"u8));
    }

    [Fact]
    public void VerifyFingerprint_RejectsAFlippedBit()
    {
        var bytes = Hex.Bytes(SampleRequest);
        bytes[30] ^= 1;
        Assert.True(StunMessage.TryParse(bytes, out var message));
        Assert.False(message!.VerifyFingerprint());
        Assert.False(message.VerifyMessageIntegrity(Password));
    }

    [Fact]
    public void Builder_RoundTripsIceAttributesAndIpv6Address()
    {
        var transaction = new byte[12];
        Random.Shared.NextBytes(transaction);
        var endPoint = new IPEndPoint(IPAddress.Parse("2001:db8::1234"), 50000);
        var built = new StunMessageBuilder(StunMessageType.BindingRequest, transaction)
            .Add(StunAttributeType.Username, "abcd:efgh"u8)
            .AddUInt32(StunAttributeType.Priority, 1234567)
            .Add(StunAttributeType.UseCandidate, [])
            .AddUInt64(StunAttributeType.IceControlling, 42)
            .AddXorMappedAddress(endPoint)
            .AddMessageIntegrity("secret"u8)
            .AddFingerprint()
            .ToArray();
        Assert.True(StunMessage.TryParse(built, out var message));
        Assert.Equal("abcd:efgh", message!.Username);
        Assert.Equal(1234567u, message.Priority);
        Assert.True(message.HasUseCandidate);
        Assert.Equal(42ul, message.IceControlling);
        Assert.Equal(endPoint, message.XorMappedAddress);
        Assert.True(message.VerifyMessageIntegrity("secret"u8));
        Assert.True(message.VerifyFingerprint());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(19)]
    [InlineData(21)]
    [InlineData(40)]
    public void Parse_RefusesTruncatedMessages(int length)
    {
        var bytes = Hex.Bytes(SampleRequest);
        Assert.False(StunMessage.TryParse(bytes.AsSpan(0, Math.Min(length, bytes.Length)), out _));
    }

    [Fact]
    public void Parse_RefusesAnAttributeThatRunsPastTheEnd()
    {
        var bytes = Hex.Bytes(SampleRequest);
        bytes[22] = 0x7F; // SOFTWARE length far beyond the message
        Assert.False(StunMessage.TryParse(bytes, out _));
    }

    [Fact]
    public void Parse_NeverThrowsOnRandomBytes()
    {
        var random = new Random(7);
        var buffer = new byte[200];
        for (var i = 0; i < 5000; i++)
        {
            random.NextBytes(buffer);
            buffer[0] &= 0x03;
            buffer[4] = 0x21;
            buffer[5] = 0x12;
            buffer[6] = 0xA4;
            buffer[7] = 0x42;
            var length = random.Next(0, buffer.Length);
            if (StunMessage.TryParse(buffer.AsSpan(0, length), out var message))
            {
                _ = message!.XorMappedAddress;
                _ = message.VerifyFingerprint();
                _ = message.Username;
            }
        }
    }
}
