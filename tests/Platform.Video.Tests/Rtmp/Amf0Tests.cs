using System.Buffers;
using Platform.Video.Ingest.Rtmp;

namespace Platform.Video.Tests.Rtmp;

public sealed class Amf0Tests
{
    [Fact]
    public void EveryValueType_RoundTrips()
    {
        var date = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
        var nested = new AmfObject().Add("inner", 1.5).Add("flag", false);
        var ecma = new AmfObject(isEcmaArray: true).Add("width", 320.0).Add("encoder", "Lavf");
        object?[] values = [42.25, true, "héllo", null, AmfUndefined.Instance, nested, ecma, new List<object?> { 1.0, "two", null }, date, new string('x', 70_000)];

        var decoded = Decode(Encode(values));

        Assert.Equal(values.Length, decoded.Count);
        Assert.Equal(42.25, decoded[0]);
        Assert.Equal(true, decoded[1]);
        Assert.Equal("héllo", decoded[2]);
        Assert.Null(decoded[3]);
        Assert.Same(AmfUndefined.Instance, decoded[4]);
        var o = Assert.IsType<AmfObject>(decoded[5]);
        Assert.False(o.IsEcmaArray);
        Assert.Equal([("inner", (object?)1.5), ("flag", false)], o.Properties.Select(p => (p.Key, p.Value)));
        var e = Assert.IsType<AmfObject>(decoded[6]);
        Assert.True(e.IsEcmaArray);
        Assert.Equal("Lavf", e.GetString("encoder"));
        Assert.Equal(new List<object?> { 1.0, "two", null }, Assert.IsType<List<object?>>(decoded[7]));
        Assert.Equal(date, decoded[8]);
        Assert.Equal(70_000, Assert.IsType<string>(decoded[9]).Length);
    }

    [Fact]
    public void LongStrings_AreEncodedWithTheLongStringMarker()
    {
        var bytes = Encode([new string('a', 65_536)]);

        Assert.Equal(Amf0Marker.LongString, bytes[0]);
        Assert.Equal(1 + 4 + 65_536, bytes.Length);
    }

    [Theory]
    [InlineData("00 40 45")] // number cut short
    [InlineData("02 00 05 61 62")] // string claims 5 bytes, has 2
    [InlineData("0C 7F FF FF FF 61")] // long string claims 2 GiB
    [InlineData("03 00 04 61 62 63 64 00 00 00 00 00 00 00 00 00")] // object without its end marker
    [InlineData("03 00 00 05")] // empty property name not followed by the end marker
    [InlineData("0A 00 00 10 00 05")] // strict array of 4096 elements in 1 byte
    [InlineData("0B 00 00")] // date cut short
    [InlineData("07 00 01")] // references are not supported
    [InlineData("11 01")] // AMF3 switch inside AMF0
    [InlineData("FF")] // no such marker
    public void MalformedInput_IsRefusedWithAProtocolError(string hex)
    {
        var bytes = Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

        Assert.Throws<RtmpProtocolException>(() => Decode(bytes));
    }

    [Fact]
    public void NestingDeeperThanTheLimit_IsRefused()
    {
        // 100 objects, each the value of property "a" of the one before
        var bytes = new List<byte>();
        for (var i = 0; i < 100; i++)
        {
            bytes.AddRange([Amf0Marker.Object, 0, 1, (byte)'a']);
        }

        bytes.Add(Amf0Marker.Null);

        var e = Assert.Throws<RtmpProtocolException>(() => Decode([.. bytes]));
        Assert.Contains("nested", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NestingWithinTheLimit_IsRead()
    {
        object? value = 1.0;
        for (var i = 0; i < Amf0Reader.MaxDepth; i++)
        {
            value = new AmfObject().Add("a", value);
        }

        Assert.IsType<AmfObject>(Assert.Single(Decode(Encode([value]))));
    }

    private static byte[] Encode(object?[] values)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (var value in values)
        {
            Amf0Writer.Write(output, value);
        }

        return output.WrittenSpan.ToArray();
    }

    private static List<object?> Decode(byte[] bytes)
    {
        var reader = new Amf0Reader(bytes);
        var values = new List<object?>();
        while (!reader.End)
        {
            values.Add(reader.ReadValue());
        }

        return values;
    }
}
