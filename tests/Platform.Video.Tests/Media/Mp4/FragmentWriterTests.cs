using System.Buffers.Binary;
using Platform.Video.Media.Mp4;

namespace Platform.Video.Tests.Media.Mp4;

public sealed class FragmentWriterTests
{
    private static readonly TrackFragment Video = new(1, 900_000, [
        new FragmentSample(3000, 6000, true, new byte[] { 1, 1, 1 }),
        new FragmentSample(3000, -3000, false, new byte[] { 2, 2 }),
    ]);

    private static readonly TrackFragment Audio = new(2, 480_000, [
        new FragmentSample(1024, 0, true, new byte[] { 9, 9, 9, 9 }),
    ]);

    [Fact]
    public void Write_PutsOneMoofThenOneMdatWithEveryTracksSamples()
    {
        var bytes = FragmentWriter.Write(7, [Video, Audio]);

        var boxes = Mp4Box.ReadAll(bytes);
        Assert.Equal(["moof", "mdat"], boxes.Select(b => b.Type));
        Assert.Equal(new byte[] { 1, 1, 1, 2, 2, 9, 9, 9, 9 }, boxes[1].Payload.ToArray());
        Assert.Equal(7u, BinaryPrimitives.ReadUInt32BigEndian(Mp4Box.Find(boxes, "moof/mfhd").Payload[4..]));
    }

    [Fact]
    public void Write_UsesDefaultBaseIsMoofAndAVersion1Tfdt()
    {
        var boxes = Mp4Box.ReadAll(FragmentWriter.Write(1, [Video, Audio]));

        var trafs = Mp4Box.Find(boxes, "moof").Children().Where(b => b.Type == "traf").ToList();
        Assert.Equal(2, trafs.Count);
        var tfhd = trafs[0].Children().Single(b => b.Type == "tfhd").Payload;
        Assert.Equal(0x00020000u, BinaryPrimitives.ReadUInt32BigEndian(tfhd));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(tfhd[4..]));
        var tfdt = trafs[1].Children().Single(b => b.Type == "tfdt").Payload;
        Assert.Equal(1, tfdt[0]);
        Assert.Equal(480_000ul, BinaryPrimitives.ReadUInt64BigEndian(tfdt[4..]));
    }

    [Fact]
    public void Write_TrunDataOffsetsPointAtEachTracksFirstSample()
    {
        var bytes = FragmentWriter.Write(1, [Video, Audio]);

        var boxes = Mp4Box.ReadAll(bytes);
        var trafs = Mp4Box.Find(boxes, "moof").Children().Where(b => b.Type == "traf").ToList();
        var expectedFirstBytes = new byte[] { 1, 9 };
        for (var i = 0; i < trafs.Count; i++)
        {
            var trun = trafs[i].Children().Single(b => b.Type == "trun").Payload;
            var dataOffset = BinaryPrimitives.ReadInt32BigEndian(trun[8..]);
            Assert.Equal(expectedFirstBytes[i], bytes[boxes[0].Offset + dataOffset]);
        }
    }

    [Fact]
    public void Write_RecordsSignedCompositionOffsetsAndSyncFlags()
    {
        var boxes = Mp4Box.ReadAll(FragmentWriter.Write(1, [Video]));

        var trun = Mp4Box.Find(boxes, "moof/traf/trun").Payload;
        Assert.Equal(1, trun[0]);
        Assert.Equal(0x000F01u, BinaryPrimitives.ReadUInt32BigEndian(trun) & 0xFFFFFF);
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32BigEndian(trun[4..]));

        // Per sample: duration, size, flags, composition offset.
        var first = trun[12..];
        Assert.Equal(3000u, BinaryPrimitives.ReadUInt32BigEndian(first));
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32BigEndian(first[4..]));
        Assert.Equal(FragmentWriter.SyncSampleFlags, BinaryPrimitives.ReadUInt32BigEndian(first[8..]));
        Assert.Equal(6000, BinaryPrimitives.ReadInt32BigEndian(first[12..]));
        var second = trun[28..];
        Assert.Equal(FragmentWriter.NonSyncSampleFlags, BinaryPrimitives.ReadUInt32BigEndian(second[8..]));
        Assert.Equal(-3000, BinaryPrimitives.ReadInt32BigEndian(second[12..]));
    }

    [Fact]
    public void Write_LeavesCompositionOffsetsOutWhenAllAreZero()
    {
        var boxes = Mp4Box.ReadAll(FragmentWriter.Write(1, [Audio]));

        var trun = Mp4Box.Find(boxes, "moof/traf/trun").Payload;
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32BigEndian(trun) & 0x000800);
    }
}
