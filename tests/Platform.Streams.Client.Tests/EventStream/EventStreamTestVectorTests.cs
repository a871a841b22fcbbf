using System.Buffers;
using Platform.Streams.Client.EventStream;

namespace Platform.Streams.Client.Tests.EventStream;

/// <summary>
/// The AWS SDK for JavaScript's published event stream test vectors (eventstream-codec's fixture), kept
/// here as hex. Encoding must reproduce them byte for byte and decoding must give back their content.
/// </summary>
public sealed class EventStreamTestVectorTests
{
    private static readonly byte[] FooBar = EventStreamTestData.Utf8("{'foo':'bar'}");

    private static readonly Dictionary<string, (string Hex, EventStreamHeader[] Headers, byte[] Payload)> Valid = new()
    {
        ["empty_message"] = ("000000100000000005C248EB7D98C8FF", [], []),
        ["payload_no_headers"] = ("0000001D00000000FD528C5A7B27666F6F273A27626172277DC3653936", [], FooBar),
        ["payload_one_str_header"] = (
            "0000003D0000002007FD83960C636F6E74656E742D747970650700106170706C69636174696F6E2F6A736F6E7B27666F" +
            "6F273A27626172277D8D9C08B1",
            [EventStreamHeader.FromString("content-type", "application/json")],
            FooBar),
        ["int32_header"] = (
            "0000002D0000001041C424B80A6576656E742D74797065040000A00C7B27666F6F273A27626172277D36F480A0",
            [new("event-type", EventStreamHeaderValue.FromInt32(0xA00C))],
            FooBar),
        ["int32_header (event-id, older fixture)"] = (
            "0000002B0000000E348BEC7B086576656E742D6964040000A00C7B27666F6F273A27626172277DD3890285",
            [new("event-id", EventStreamHeaderValue.FromInt32(0xA00C))],
            FooBar),
        ["all_headers"] = (
            "000000CC000000AF0FAE64CA0A6576656E742D74797065040000A00C0C636F6E74656E742D747970650700106170706C" +
            "69636174696F6E2F6A736F6E0A626F6F6C2066616C73650109626F6F6C207472756500046279746502CF086279746520" +
            "62756606001449276D2061206C6974746C6520746561706F74210974696D657374616D70080000000000845FED05696E" +
            "74313603002A05696E7436340500000000028757B20475756964090102030405060708090A0B0C0D0E0F107B27666F6F" +
            "273A27626172277DABA5F10C",
            [
                new("event-type", EventStreamHeaderValue.FromInt32(40972)),
                EventStreamHeader.FromString("content-type", "application/json"),
                new("bool false", EventStreamHeaderValue.FromBoolean(false)),
                new("bool true", EventStreamHeaderValue.FromBoolean(true)),
                new("byte", EventStreamHeaderValue.FromByte(-49)),
                new("byte buf", EventStreamHeaderValue.FromBytes(EventStreamTestData.Utf8("I'm a little teapot!"))),
                new("timestamp", EventStreamHeaderValue.FromUnixTimeMilliseconds(8675309)),
                new("int16", EventStreamHeaderValue.FromInt16(42)),
                new("int64", EventStreamHeaderValue.FromInt64(42424242)),
                new("uuid", EventStreamHeaderValue.FromUuid(EventStreamTestData.SampleUuid)),
            ],
            FooBar),
    };

    public static TheoryData<string> ValidVectors() => new(Valid.Keys);

    [Theory]
    [MemberData(nameof(ValidVectors))]
    public void Encoding_APublishedVector_ReproducesItByteForByte(string vector)
    {
        var (hex, headers, payload) = Valid[vector];

        var encoded = EventStreamTestData.Encode(headers, payload);

        Assert.Equal(hex, Convert.ToHexString(encoded));
        Assert.Equal(encoded.Length, EventStreamWriter.GetMessageLength(headers, payload.Length));
    }

    [Theory]
    [MemberData(nameof(ValidVectors))]
    public void Decoding_APublishedVector_GivesBackItsHeadersAndPayload(string vector)
    {
        var (hex, headers, payload) = Valid[vector];

        var message = EventStreamTestData.ReadSingle(Convert.FromHexString(hex));

        Assert.Equal(headers, message.Headers);
        Assert.Equal(payload, message.Payload.ToArray());
    }

    [Theory]
    [InlineData("corrupted_headers", "0000003D0000002007FD83960C636F6E74656E742D747970650700106170706C69636174696F6E2F6A736F6E7B61666F6F273A27626172277D8D9C08B1", EventStreamFormatError.MessageChecksumMismatch)]
    [InlineData("corrupted_header_len", "0000003D0000002107FD83960C636F6E74656E742D747970650700106170706C69636174696F6E2F6A736F6E7B27666F6F273A27626172277D8D9C08B1", EventStreamFormatError.PreludeChecksumMismatch)]
    [InlineData("corrupted_length", "0000003E0000002007FD83960C636F6E74656E742D747970650700106170706C69636174696F6E2F6A736F6E7B27666F6F273A27626172277D8D9C08B1", EventStreamFormatError.PreludeChecksumMismatch)]
    [InlineData("corrupted_payload", "0000001D00000000FD528C5A5B27666F6F273A27626172277DC3653936", EventStreamFormatError.MessageChecksumMismatch)]
    public void Decoding_APublishedCorruptVector_FailsOnTheRightCheck(string vector, string hex, EventStreamFormatError expected)
    {
        var buffer = new ReadOnlySequence<byte>(Convert.FromHexString(hex));

        var error = Assert.Throws<EventStreamFormatException>(() => new EventStreamReader().TryRead(ref buffer, out _));

        Assert.True(expected == error.Error, $"{vector}: expected {expected}, got {error.Error}: {error.Message}");
    }

    [Fact]
    public void ThePreludeCrc_OfTheEmptyMessage_IsTheCrc32OfItsFirstEightBytes()
    {
        Assert.Equal(0x05C248EBu, Crc32.Compute([0, 0, 0, 16, 0, 0, 0, 0]));
    }
}
