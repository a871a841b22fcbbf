using Platform.Video.Ingest.WebRtc.Rtp;
using Platform.Video.Media;
using Platform.Video.Media.H264;

namespace Platform.Video.Tests.WebRtc;

public sealed class H264DepacketizerTests
{
    // A 320x240 constrained-baseline SPS and its PPS, made with ffmpeg/libx264.
    private static readonly byte[] Sps = Hex.Bytes("6742c00bd90141fb011000000300100000030140f142a480");
    private static readonly byte[] Pps = Hex.Bytes("68cb83cb20");

    private static byte[] Slice(int type, int length, byte fill)
    {
        var nal = new byte[length];
        nal[0] = (byte)(0x60 | type);
        nal.AsSpan(1).Fill(fill);
        return nal;
    }

    [Fact]
    public void Push_ReassemblesStapAAndFuAIntoOneKeyframeWithItsTrackConfig()
    {
        var idr = Slice(5, 3000, 0xAB);
        var depacketizer = new H264Depacketizer();
        var frames = new List<H264Frame>();
        depacketizer.Push(RtpPackets.StapA(Sps, Pps), 9000, marker: false, lossBefore: false, frames);
        var fragments = RtpPackets.FuA(idr, 1000);
        for (var i = 0; i < fragments.Count; i++)
        {
            depacketizer.Push(fragments[i], 9000, marker: i == fragments.Count - 1, lossBefore: false, frames);
        }

        var frame = Assert.Single(frames);
        Assert.True(frame.IsKeyframe);
        Assert.Equal(9000, frame.Timestamp);
        var units = NalUnits.SplitLengthPrefixed(frame.Data).Select(r => frame.Data[r]).ToList();
        Assert.Equal(3, units.Count);
        Assert.Equal(Sps, units[0]);
        Assert.Equal(Pps, units[1]);
        Assert.Equal(idr, units[2]);
        Assert.Equal(TrackKind.Video, frame.Config.Kind);
        Assert.Equal(MediaCodec.H264, frame.Config.Codec);
        Assert.Equal(90_000, frame.Config.Timescale);
        Assert.Equal(320, frame.Config.Width);
        Assert.Equal(240, frame.Config.Height);
        Assert.Equal(0x42, frame.Config.CodecPrivate.Span[1]);
    }

    [Fact]
    public void Push_DropsFramesUntilAKeyframeWhenAFragmentIsLost()
    {
        var depacketizer = new H264Depacketizer();
        var frames = new List<H264Frame>();
        SendKeyframe(depacketizer, 0, frames);
        Assert.Single(frames);

        // A P-frame whose middle fragment is lost: it and the next P-frame are dropped; the next IDR is kept.
        var fragments = RtpPackets.FuA(Slice(1, 3000, 1), 1000);
        depacketizer.Push(fragments[0], 3000, false, false, frames);
        depacketizer.Push(fragments[2], 3000, true, lossBefore: true, frames);
        Assert.True(depacketizer.WaitingForKeyframe);
        depacketizer.Push(Slice(1, 100, 2), 6000, true, false, frames);
        Assert.Single(frames);
        Assert.Equal(2, depacketizer.DroppedFrames);
        SendKeyframe(depacketizer, 9000, frames);
        Assert.Equal(2, frames.Count);
        Assert.False(depacketizer.WaitingForKeyframe);
    }

    [Fact]
    public void Push_EndsAFrameOnATimestampChangeWhenTheMarkerIsMissing()
    {
        var depacketizer = new H264Depacketizer();
        var frames = new List<H264Frame>();
        depacketizer.Push(RtpPackets.StapA(Sps, Pps, Slice(5, 50, 3)), 0, marker: false, lossBefore: false, frames);
        depacketizer.Push(Slice(1, 50, 4), 3000, marker: true, lossBefore: false, frames);
        Assert.Equal(2, frames.Count);
        Assert.True(frames[0].IsKeyframe);
        Assert.False(frames[1].IsKeyframe);
        Assert.Same(frames[0].Config, frames[1].Config);
    }

    [Fact]
    public void Push_WaitsForAKeyframeAtTheStart()
    {
        var depacketizer = new H264Depacketizer();
        var frames = new List<H264Frame>();
        depacketizer.Push(Slice(1, 50, 4), 0, true, false, frames);
        Assert.Empty(frames);
        Assert.True(depacketizer.WaitingForKeyframe);
    }

    [Fact]
    public void Push_SurvivesMalformedPayloads()
    {
        var depacketizer = new H264Depacketizer();
        var frames = new List<H264Frame>();
        var random = new Random(3);
        for (var i = 0; i < 3000; i++)
        {
            var payload = new byte[random.Next(0, 64)];
            random.NextBytes(payload);
            depacketizer.Push(payload, i / 3, i % 3 == 2, random.Next(10) == 0, frames);
        }

        SendKeyframe(depacketizer, 10_000, frames);
        Assert.Contains(frames, f => f.Timestamp == 10_000 && f.IsKeyframe);
    }

    private static void SendKeyframe(H264Depacketizer depacketizer, long timestamp, List<H264Frame> frames) =>
        depacketizer.Push(RtpPackets.StapA(Sps, Pps, Slice(5, 200, 9)), timestamp, true, false, frames);
}
