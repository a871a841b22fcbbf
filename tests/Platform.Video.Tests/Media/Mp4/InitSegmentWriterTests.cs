using System.Buffers.Binary;
using System.Text;
using Platform.Video.Media.Mp4;

namespace Platform.Video.Tests.Media.Mp4;

public sealed class InitSegmentWriterTests
{
    [Fact]
    public void Write_StartsWithFtypCarryingTheCmafBrands()
    {
        var boxes = Mp4Box.ReadAll(InitSegmentWriter.Write([MediaSamples.Video()]));

        Assert.Equal(["ftyp", "moov"], boxes.Select(b => b.Type));
        var ftyp = boxes[0].Payload.ToArray();
        Assert.Equal("iso6", Encoding.ASCII.GetString(ftyp, 0, 4));
        var brands = Enumerable.Range(0, (ftyp.Length - 8) / 4).Select(i => Encoding.ASCII.GetString(ftyp, 8 + (i * 4), 4)).ToList();
        Assert.Contains("cmfc", brands);
        Assert.Contains("iso6", brands);
    }

    [Fact]
    public void Write_DescribesVideoWithTimescaleSizeAndAvcC()
    {
        var boxes = Mp4Box.ReadAll(InitSegmentWriter.Write([MediaSamples.Video()]));

        var mdhd = Mp4Box.Find(boxes, "moov/trak/mdia/mdhd").Payload;
        Assert.Equal(90_000u, BinaryPrimitives.ReadUInt32BigEndian(mdhd[12..]));
        var tkhd = Mp4Box.Find(boxes, "moov/trak/tkhd").Payload;
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(tkhd[12..]));
        Assert.Equal(1280u << 16, BinaryPrimitives.ReadUInt32BigEndian(tkhd[^8..]));
        Assert.Equal(720u << 16, BinaryPrimitives.ReadUInt32BigEndian(tkhd[^4..]));
        Assert.Equal("vide", Encoding.ASCII.GetString(Mp4Box.Find(boxes, "moov/trak/mdia/hdlr").Payload.Slice(8, 4)));
        Mp4Box.Find(boxes, "moov/trak/mdia/minf/vmhd");
        Mp4Box.Find(boxes, "moov/trak/mdia/minf/dinf/dref");

        var stsd = Mp4Box.Find(boxes, "moov/trak/mdia/minf/stbl/stsd");
        var avc1 = Assert.Single(stsd.Children(skip: 8));
        Assert.Equal("avc1", avc1.Type);
        Assert.Equal(1280, BinaryPrimitives.ReadUInt16BigEndian(avc1.Payload[24..]));
        Assert.Equal(720, BinaryPrimitives.ReadUInt16BigEndian(avc1.Payload[26..]));
        var avcC = Assert.Single(avc1.Children(skip: 78));
        Assert.Equal("avcC", avcC.Type);
        Assert.Equal(MediaSamples.AvcC, avcC.Payload.ToArray());

        foreach (var table in new[] { "stts", "stsc", "stco" })
        {
            Assert.Equal(0u, BinaryPrimitives.ReadUInt32BigEndian(Mp4Box.Find(boxes, "moov/trak/mdia/minf/stbl/" + table).Payload[4..]));
        }
    }

    [Fact]
    public void Write_DeclaresOneTrexPerTrack()
    {
        var boxes = Mp4Box.ReadAll(InitSegmentWriter.Write([MediaSamples.Video(), MediaSamples.Aac()]));

        var moov = Mp4Box.Find(boxes, "moov").Children();
        Assert.Equal(2, moov.Count(b => b.Type == "trak"));
        var trex = Mp4Box.Find(boxes, "moov/mvex").Children();
        Assert.Equal([1u, 2u], trex.Select(b => BinaryPrimitives.ReadUInt32BigEndian(b.Payload[4..])));
    }

    [Fact]
    public void Write_PutsTheAudioSpecificConfigInTheEsdsDecoderSpecificInfo()
    {
        var boxes = Mp4Box.ReadAll(InitSegmentWriter.Write([MediaSamples.Aac()]));

        var mdhd = Mp4Box.Find(boxes, "moov/trak/mdia/mdhd").Payload;
        Assert.Equal(48_000u, BinaryPrimitives.ReadUInt32BigEndian(mdhd[12..]));
        Mp4Box.Find(boxes, "moov/trak/mdia/minf/smhd");
        var mp4a = Assert.Single(Mp4Box.Find(boxes, "moov/trak/mdia/minf/stbl/stsd").Children(skip: 8));
        Assert.Equal("mp4a", mp4a.Type);
        Assert.Equal(2, BinaryPrimitives.ReadUInt16BigEndian(mp4a.Payload[16..]));
        Assert.Equal(48_000u << 16, BinaryPrimitives.ReadUInt32BigEndian(mp4a.Payload[24..]));
        var esds = Assert.Single(mp4a.Children(skip: 28));
        Assert.Equal("esds", esds.Type);

        // ES_Descriptor(3) > DecoderConfigDescriptor(4, MPEG-4 audio 0x40) > DecoderSpecificInfo(5) = the ASC.
        var payload = esds.Payload[4..].ToArray();
        Assert.Equal(0x03, payload[0]);
        Assert.Equal(0x04, payload[5]);
        Assert.Equal(0x40, payload[7]);
        Assert.Equal(new byte[] { 0x05, 0x02, 0x11, 0x90 }, payload[20..24]);
        Assert.Equal(new byte[] { 0x06, 0x01, 0x02 }, payload[24..]);
    }

    [Fact]
    public void Write_DescribesOpusWithADOpsBox()
    {
        var boxes = Mp4Box.ReadAll(InitSegmentWriter.Write([MediaSamples.Opus()]));

        var entry = Assert.Single(Mp4Box.Find(boxes, "moov/trak/mdia/minf/stbl/stsd").Children(skip: 8));
        Assert.Equal("Opus", entry.Type);
        var dops = Assert.Single(entry.Children(skip: 28));
        Assert.Equal("dOps", dops.Type);
        var payload = dops.Payload;
        Assert.Equal(0, payload[0]);
        Assert.Equal(2, payload[1]);
        Assert.Equal(312, BinaryPrimitives.ReadUInt16BigEndian(payload[2..]));
        Assert.Equal(48_000u, BinaryPrimitives.ReadUInt32BigEndian(payload[4..]));
        Assert.Equal(0, payload[10]);
    }

    [Fact]
    public void CodecStrings_JoinsVideoAndAudio()
    {
        Assert.Equal("avc1.64001f,mp4a.40.2", CodecStrings.Join([MediaSamples.Video(), MediaSamples.Aac()]));
        Assert.Equal("avc1.64001f,opus", CodecStrings.Join([MediaSamples.Video(), MediaSamples.Opus()]));
    }
}
