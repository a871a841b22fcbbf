using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using Platform.Streams.Api;

namespace Platform.Streams.Tests;

/// <summary>
/// The CBOR form of Kinesis requests and answers (RFC 8949, in the AWS SDK for Java's conventions). Inputs are
/// written out byte by byte from the RFC's encoding rules, so these tests do not lean on our own encoder.
/// </summary>
public sealed class KinesisCborTests
{
    private static string ToJson(string hex)
    {
        var output = new ArrayBufferWriter<byte>();
        KinesisCbor.ToJson(Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal)), output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static string FromJson(string json)
    {
        var output = new ArrayBufferWriter<byte>();
        KinesisCbor.FromJson(Encoding.UTF8.GetBytes(json), output);
        return Convert.ToHexString(output.WrittenSpan);
    }

    private static string Text(string value)
    {
        var utf8 = Encoding.UTF8.GetBytes(value);
        var head = utf8.Length < 24 ? [(byte)(0x60 | utf8.Length)] : new[] { (byte)0x78, (byte)utf8.Length };
        return Convert.ToHexString(head) + Convert.ToHexString(utf8);
    }

    [Fact]
    public void IndefiniteMapsAndChunkedStrings_AsTheJavaSdkWritesThem_BecomeTheJsonTheyStandFor()
    {
        // {_ "StreamName": (_ "ab", "c"), "Data": (_ h'0102', h'ff'), "Limit": 24, "Keys": [_ "k", -500, true, false, null]}
        var hex = "BF" + Text("StreamName") + "7F" + Text("ab") + Text("c") + "FF"
            + Text("Data") + "5F 42 0102 41 FF FF"
            + Text("Limit") + "18 18"
            + Text("Keys") + "9F" + Text("k") + "39 01F3 F5 F4 F6 FF"
            + "FF";

        var json = JsonNode.Parse(ToJson(hex))!;

        Assert.Equal("abc", (string?)json["StreamName"]);
        Assert.Equal(Convert.ToBase64String([1, 2, 0xFF]), (string?)json["Data"]);
        Assert.Equal(24, (int)json["Limit"]!);
        Assert.Equal("""["k",-500,true,false,null]""", json["Keys"]!.ToJsonString());
    }

    [Theory]
    [InlineData("00", "0")]
    [InlineData("17", "23")]
    [InlineData("1818", "24")]
    [InlineData("190100", "256")]
    [InlineData("1A00010000", "65536")]
    [InlineData("1B0000000100000000", "4294967296")]
    [InlineData("20", "-1")]
    [InlineData("3B7FFFFFFFFFFFFFFF", "-9223372036854775808")]
    [InlineData("F93E00", "1.5")]
    [InlineData("FA3FC00000", "1.5")]
    [InlineData("FB3FF8000000000000", "1.5")]
    [InlineData("F7", "null")]
    public void EveryIntegerAndFloatWidth_ReadsAsItsValue(string item, string expected)
    {
        Assert.Equal($$"""{"v":{{expected}}}""", ToJson("A1" + Text("v") + item));
    }

    [Theory]
    [InlineData("C11B0000018BCFE5687B", "1700000000.123")] // the Java SDK: tag 1 over epoch milliseconds
    [InlineData("C11A6553F100", "1700000000")] // RFC 8949: tag 1 over epoch seconds
    [InlineData("C1FB41D954FC4007DF3B", "1700000000.123")] // seconds as a float
    [InlineData("C1FB4278BCFE5687B000", "1700000000.123")] // milliseconds as a float
    public void ATag1Timestamp_BecomesEpochSeconds_WhetherItCarriesMillisecondsOrSeconds(string item, string seconds)
    {
        var json = JsonNode.Parse(ToJson("A1" + Text("Timestamp") + item))!;

        Assert.Equal(decimal.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture), Math.Round((decimal)json["Timestamp"]!, 3));
    }

    [Fact]
    public void OtherTags_AreLookedThrough_ToTheirValue()
    {
        Assert.Equal("""{"v":"x"}""", ToJson("A1" + Text("v") + "D820" + Text("x")));
    }

    [Theory]
    [InlineData("", "must be a CBOR map")]
    [InlineData("9FFF", "must be a CBOR map")]
    [InlineData("A2 61 61 01", "ends inside a map")]
    [InlineData("A1 01 02", "map key is not a text string")]
    [InlineData("A1 61 61 7B FFFFFFFFFFFFFFFF", "longer than the rest of the input")]
    [InlineData("A1 61 61 1C", "reserved")]
    [InlineData("A1 61 61 FF", "break byte is outside")]
    [InlineData("A1 61 61 F0", "simple value 16")]
    [InlineData("A1 61 61 62 C328", "not UTF-8")]
    [InlineData("A1 61 61 F97E00", "not finite")]
    [InlineData("A1 61 61 C1 61 78", "timestamp (tag 1) is not a number")]
    [InlineData("A1 61 61 7F 41 00 FF", "chunk of a chunked string")]
    [InlineData("A1 61 61 1F", "indefinite length is not allowed")]
    [InlineData("A0 00", "bytes follow the request's map")]
    [InlineData("BF 61 61 01", "ends inside a map")]
    public void MalformedOrForeignCbor_IsRefused_WithTheProblemAndWhereItIs(string hex, string problem)
    {
        var error = Assert.Throws<FormatException>(() => ToJson(hex));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.Matches(@"\(at byte \d+\)", error.Message);
    }

    [Fact]
    public void NestingDeeperThanAnyKinesisShape_IsRefused_WithoutRecursingThroughIt()
    {
        var deep = "A1" + Text("v") + string.Concat(Enumerable.Repeat("81", 100_000)) + "00";

        var error = Assert.Throws<FormatException>(() => ToJson(deep));

        Assert.Contains("nest deeper than 32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnswersBecomeIndefiniteMaps_WithDataAsBytesAndTimestampsAsTaggedMilliseconds()
    {
        var json = """{"Records":[{"SequenceNumber":"49","ApproximateArrivalTimestamp":1700000000.123,"Data":"AQL/","PartitionKey":"k\u00e9\"y"}],"MillisBehindLatest":0,"Ratio":0.5,"Open":true,"Gone":null}""";

        var hex = FromJson(json);

        var expected = "BF" + Text("Records") + "9F" + "BF"
            + Text("SequenceNumber") + Text("49")
            + Text("ApproximateArrivalTimestamp") + "C11B0000018BCFE5687B"
            + Text("Data") + "43 0102FF".Replace(" ", "", StringComparison.Ordinal)
            + Text("PartitionKey") + "65 6BC3A92279"
            + "FF" + "FF"
            + Text("MillisBehindLatest") + "00"
            + Text("Ratio") + "FB3FE0000000000000"
            + Text("Open") + "F5"
            + Text("Gone") + "F6"
            + "FF";
        Assert.Equal(expected.Replace(" ", "", StringComparison.Ordinal), hex);
    }

    [Fact]
    public void CreationTimestamps_AreTaggedMillisecondsToo_AndNegativeNumbersStayNegative()
    {
        Assert.Equal("BF" + Text("StreamCreationTimestamp") + "C11B0000018BCFE56800" + "FF", FromJson("""{"StreamCreationTimestamp":1700000000}"""));
        Assert.Equal("BF" + Text("ConsumerCreationTimestamp") + "C11B0000018BCFE5687B" + "FF", FromJson("""{"ConsumerCreationTimestamp":1700000000.123}"""));
        Assert.Equal("BF" + Text("n") + "3901F3" + "FF", FromJson("""{"n":-500}"""));
    }

    [Fact]
    public void AnErrorBody_IsAMapOfTypeAndMessage()
    {
        var output = new ArrayBufferWriter<byte>();
        KinesisCbor.WriteError(output, "ResourceNotFoundException", "Stream s not found.");

        var expected = "BF" + Text("__type") + Text("ResourceNotFoundException") + Text("message") + Text("Stream s not found.") + "FF";
        Assert.Equal(expected, Convert.ToHexString(output.WrittenSpan));
    }

    [Theory]
    [InlineData("application/x-amz-cbor-1.1", true)]
    [InlineData("Application/X-Amz-Cbor-1.1; charset=binary", true)]
    [InlineData("application/x-amz-json-1.1", false)]
    [InlineData(null, false)]
    public void TheContentType_SaysWhichProtocolARequestSpeaks(string? contentType, bool isCbor)
    {
        Assert.Equal(isCbor, KinesisCbor.IsCbor(contentType));
    }
}
