using Platform.Video.Ingest.Rtmp;
using Platform.Video.Media;
using Platform.Video.Media.H264;

namespace Platform.Video.Tests.Rtmp;

public sealed class FlvMediaMapperTests
{
    [Fact]
    public void AvcSequenceHeader_BecomesAnH264ConfigSizedFromTheSps()
    {
        var mapper = new FlvMediaMapper();

        var result = mapper.MapVideo(0, TestMedia.AvcSequenceHeader(TestMedia.AvcC(TestMedia.Sps320x240)));

        var config = Assert.IsType<TrackConfig>(result.Config);
        Assert.Equal((TrackKind.Video, MediaCodec.H264, 90_000, 320, 240), (config.Kind, config.Codec, config.Timescale, config.Width, config.Height));
        Assert.Equal(TestMedia.AvcC(TestMedia.Sps320x240), config.CodecPrivate.ToArray());
    }

    [Fact]
    public void SpsFrameCropping_GivesTheDisplayedSize()
    {
        var config = new FlvMediaMapper().MapVideo(0, TestMedia.AvcSequenceHeader(TestMedia.AvcC(TestMedia.Sps1920x1080))).Config!;

        Assert.Equal((1920, 1080), (config.Width, config.Height));
    }

    [Fact]
    public void NalUnits_GetDtsAt90kHzAndPtsShiftedByTheCompositionTime()
    {
        var mapper = Configured();

        var key = mapper.MapVideo(1000, TestMedia.AvcFrame(keyframe: true, 66, TestMedia.IdrSlice)).Unit!;
        var inter = mapper.MapVideo(1033, TestMedia.AvcFrame(keyframe: false, 0, TestMedia.NonIdrSlice)).Unit!;

        Assert.Equal((90_000L, 90_000L + (66 * 90), true), (key.Dts, key.Pts, key.IsKeyframe));
        Assert.Equal((1033L * 90, 1033L * 90, false), (inter.Dts, inter.Pts, inter.IsKeyframe));
        Assert.Equal([0, 0, 0, 5, .. TestMedia.IdrSlice], key.Data.ToArray());
    }

    [Fact]
    public void Units_BorrowTheTagsBytes_VideoWithFourByteNalLengthsAndAudio_WithoutACopy()
    {
        var mapper = Configured();
        mapper.MapAudio(0, TestMedia.AacSequenceHeader(TestMedia.Asc48kStereo));
        var videoTag = TestMedia.AvcFrame(keyframe: true, 0, TestMedia.IdrSlice);
        var audioTag = TestMedia.AacFrame([0x21, 0x10]);

        var video = mapper.MapVideo(0, videoTag).Unit!;
        var audio = mapper.MapAudio(0, audioTag).Unit!;

        // The connection returns the message buffer to its pool once the session call completes (IPublishSession).
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(video.Data, out var videoBytes));
        Assert.Same(videoTag, videoBytes.Array);
        Assert.Equal(5, videoBytes.Offset);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(audio.Data, out var audioBytes));
        Assert.Same(audioTag, audioBytes.Array);
        Assert.Equal(2, audioBytes.Offset);
    }

    [Fact]
    public void CompositionTime_IsASigned24BitValue()
    {
        var mapper = Configured();

        var unit = mapper.MapVideo(500, TestMedia.AvcFrame(keyframe: false, -33, TestMedia.NonIdrSlice)).Unit!;

        Assert.Equal(unit.Dts - (33 * 90), unit.Pts);
    }

    [Fact]
    public void TwoByteNalLengths_AreWidenedToFourBytes()
    {
        var mapper = new FlvMediaMapper();
        var config = mapper.MapVideo(0, TestMedia.AvcSequenceHeader(TestMedia.AvcC(TestMedia.Sps320x240, nalLengthSize: 2))).Config!;
        byte[] frame = [0x17, 1, 0, 0, 0, 0, 5, .. TestMedia.IdrSlice, 0, 4, .. TestMedia.NonIdrSlice];

        var unit = mapper.MapVideo(0, frame).Unit!;

        Assert.Equal(4, AvcDecoderConfiguration.Parse(config.CodecPrivate.Span).NalLengthSize);
        Assert.Equal([0, 0, 0, 5, .. TestMedia.IdrSlice, 0, 0, 0, 4, .. TestMedia.NonIdrSlice], unit.Data.ToArray());
    }

    [Fact]
    public void ANalUnitOverrunningItsTag_IsRefused()
    {
        var mapper = Configured();
        byte[] frame = [0x17, 1, 0, 0, 0, 0, 0, 0, 50, 0x65, 1, 2];

        Assert.Throws<RtmpProtocolException>(() => mapper.MapVideo(0, frame));
    }

    [Fact]
    public void VideoBeforeTheSequenceHeader_IsRefused()
    {
        var e = Assert.Throws<RtmpProtocolException>(() => new FlvMediaMapper().MapVideo(0, TestMedia.AvcFrame(true, 0, TestMedia.IdrSlice)));

        Assert.Equal("video before AVC sequence header", e.Message);
    }

    [Fact]
    public void AudioBeforeTheSequenceHeader_IsRefused()
    {
        var e = Assert.Throws<RtmpProtocolException>(() => new FlvMediaMapper().MapAudio(0, TestMedia.AacFrame([1, 2, 3])));

        Assert.Equal("audio before AAC sequence header", e.Message);
    }

    [Fact]
    public void ARepeatedSequenceHeader_DoesNotRedeclareTheTrack()
    {
        var mapper = Configured();

        Assert.Null(mapper.MapVideo(2000, TestMedia.AvcSequenceHeader(TestMedia.AvcC(TestMedia.Sps320x240))).Config);
        Assert.NotNull(mapper.MapVideo(2000, TestMedia.AvcSequenceHeader(TestMedia.AvcC(TestMedia.Sps1920x1080))).Config);
    }

    [Fact]
    public void EnhancedRtmpAvc1Tags_MapLikeLegacyAvcTags()
    {
        var mapper = new FlvMediaMapper();
        byte[] fourCc = "avc1"u8.ToArray();

        var config = mapper.MapVideo(0, (byte[])[0x90, .. fourCc, .. TestMedia.AvcC(TestMedia.Sps320x240)]).Config!;
        var coded = mapper.MapVideo(40, (byte[])[0x91, .. fourCc, 0, 0, 33, 0, 0, 0, 5, .. TestMedia.IdrSlice]).Unit!;
        var codedX = mapper.MapVideo(80, (byte[])[0xA3, .. fourCc, 0, 0, 0, 4, .. TestMedia.NonIdrSlice]).Unit!;

        Assert.Equal(320, config.Width);
        Assert.Equal((40L * 90, (40L + 33) * 90, true), (coded.Dts, coded.Pts, coded.IsKeyframe));
        Assert.Equal((80L * 90, 80L * 90, false), (codedX.Dts, codedX.Pts, codedX.IsKeyframe));
    }

    [Fact]
    public void AMalformedAvcSequenceHeader_IsRefusedWithAProtocolError()
    {
        var e = Assert.Throws<RtmpProtocolException>(() => new FlvMediaMapper().MapVideo(0, TestMedia.AvcSequenceHeader([1, 0x64, 0, 0x0D, 0xFF, 0xE1, 0, 40, 0x67])));

        Assert.StartsWith("AVC sequence header", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OtherVideoCodecs_AreRefusedByName()
    {
        var e = Assert.Throws<RtmpProtocolException>(() => new FlvMediaMapper().MapVideo(0, (byte[])[0x90, .. "hvc1"u8.ToArray(), 1, 2]));

        Assert.Contains("hvc1", e.Message, StringComparison.Ordinal);
        Assert.Throws<RtmpProtocolException>(() => new FlvMediaMapper().MapVideo(0, (byte[])[0x12, 0, 0, 0, 0]));
    }

    [Fact]
    public void AacSequenceHeader_BecomesAnAacConfigWithItsRateAndChannels()
    {
        var config = new FlvMediaMapper().MapAudio(0, TestMedia.AacSequenceHeader(TestMedia.Asc48kStereo)).Config!;

        Assert.Equal((TrackKind.Audio, MediaCodec.Aac, 48_000, 48_000, 2), (config.Kind, config.Codec, config.Timescale, config.SampleRate, config.Channels));
        Assert.Equal(TestMedia.Asc48kStereo, config.CodecPrivate.ToArray());
    }

    [Fact]
    public void AacFrames_AreTimedInSamplesWithPtsEqualToDts()
    {
        var mapper = new FlvMediaMapper();
        mapper.MapAudio(0, TestMedia.AacSequenceHeader(TestMedia.Asc48kStereo));

        var unit = mapper.MapAudio(1021, TestMedia.AacFrame([0x21, 0x10])).Unit!;

        Assert.Equal((1021L * 48, 1021L * 48, true), (unit.Dts, unit.Pts, unit.IsKeyframe));
        Assert.Equal(new byte[] { 0x21, 0x10 }, unit.Data.ToArray());
    }

    [Fact]
    public void OtherAudioFormats_AreDroppedWithAReasonWhileVideoContinues()
    {
        var result = new FlvMediaMapper().MapAudio(0, (byte[])[0x2F, 1, 2, 3]);

        Assert.Null(result.Unit);
        Assert.Contains("sound format 2", result.Ignored, StringComparison.Ordinal);
    }

    [Fact]
    public void TimestampWraparound_KeepsDecodeTimesIncreasing()
    {
        var mapper = Configured();

        var before = mapper.MapVideo(0xFFFFFFF0, TestMedia.AvcFrame(true, 0, TestMedia.IdrSlice)).Unit!;
        var after = mapper.MapVideo(0x00000010, TestMedia.AvcFrame(false, 0, TestMedia.NonIdrSlice)).Unit!;

        Assert.Equal(32L * 90, after.Dts - before.Dts);
    }

    [Fact]
    public void SmallStepsBack_AreClampedAndLargeOnesRefused()
    {
        var mapper = Configured();
        mapper.MapVideo(5000, TestMedia.AvcFrame(true, 0, TestMedia.IdrSlice));

        var clamped = mapper.MapVideo(4990, TestMedia.AvcFrame(false, 0, TestMedia.NonIdrSlice)).Unit!;
        var e = Assert.Throws<RtmpProtocolException>(() => mapper.MapVideo(2000, TestMedia.AvcFrame(false, 0, TestMedia.NonIdrSlice)));

        Assert.Equal(5000L * 90, clamped.Dts);
        Assert.Contains("backwards", e.Message, StringComparison.Ordinal);
    }

    private static FlvMediaMapper Configured()
    {
        var mapper = new FlvMediaMapper();
        mapper.MapVideo(0, TestMedia.AvcSequenceHeader(TestMedia.AvcC(TestMedia.Sps320x240)));
        return mapper;
    }
}
