using Platform.Video.Media;
using Platform.Video.Media.Fragmenting;
using Platform.Video.Media.H264;
using Platform.Video.Tests.Media.Mp4;

namespace Platform.Video.Tests.Media.Fragmenting;

public sealed class FragmenterTests
{
    private const int FrameTicks = 3000; // 30 fps at 90 kHz
    private static readonly DateTimeOffset SessionStart = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly List<FragmentOutput> _output = [];

    [Fact]
    public void Add_CutsAtTheFirstKeyframeAtOrAfterTheTargetDuration()
    {
        var fragmenter = VideoOnly();

        // Keyframes every 1.5 s: the fragment reaches 2 s only at the keyframe at 3 s.
        AddVideo(fragmenter, frames: 120, gop: 45);
        fragmenter.Flush(_output);

        var fragments = _output.OfType<MediaFragment>().ToList();
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(3)], fragments.Select(f => f.MediaStart));
        Assert.Equal(TimeSpan.FromSeconds(3), fragments[0].Duration);
        Assert.All(fragments, f => Assert.True(FirstVideoSampleIsSync(f)));
    }

    [Fact]
    public void Add_EmitsTheInitSegmentBeforeTheFirstFragment()
    {
        var fragmenter = VideoOnly();

        AddVideo(fragmenter, frames: 61, gop: 60);

        var init = Assert.IsType<InitSegment>(_output[0]);
        Assert.Equal(0, init.Id);
        Assert.Equal("avc1.64001f", init.Codecs);
        Assert.Equal((1280, 720), (init.Width, init.Height));
        var fragment = Assert.IsType<MediaFragment>(Assert.Single(_output.Skip(1)));
        Assert.Equal(0, fragment.InitSegmentId);
        Assert.False(fragment.Discontinuity);
    }

    [Fact]
    public void Add_GivesTheLastSampleTheDurationUpToTheKeyframeThatCutIt()
    {
        var fragmenter = VideoOnly();

        AddVideo(fragmenter, frames: 61, gop: 60);

        var fragment = _output.OfType<MediaFragment>().Single();
        Assert.Equal(TimeSpan.FromSeconds(2), fragment.Duration);
        var trun = Mp4Box.Find(Mp4Box.ReadAll(fragment.Data), "moof/traf/trun").Payload;
        Assert.Equal(60u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(trun[4..]));
    }

    [Fact]
    public void Add_DropsVideoFramesBeforeTheFirstKeyframe()
    {
        var fragmenter = VideoOnly();
        for (var i = 0; i < 10; i++)
        {
            fragmenter.Add(Frame(i * FrameTicks, keyframe: false), _output);
        }

        AddVideo(fragmenter, frames: 61, gop: 60, firstFrame: 10);

        Assert.Equal(10, fragmenter.DroppedVideoFrames);
        var fragment = _output.OfType<MediaFragment>().Single();
        Assert.Equal(TimeSpan.FromSeconds(10 / 30.0), fragment.MediaStart);
        Assert.True(FirstVideoSampleIsSync(fragment));
    }

    [Fact]
    public void SetTrack_WithANewCodecConfiguration_FlushesAndStartsANewInitWithADiscontinuity()
    {
        var fragmenter = VideoOnly();
        AddVideo(fragmenter, frames: 30, gop: 60);

        var other = AvcDecoderConfiguration.Build(
            Convert.FromHexString("6764000dacd94141fb0110000003001000000303c0f1429960"), Convert.FromHexString("68ebe3cb22c0")).ToBytes();
        fragmenter.SetTrack(MediaSamples.Video(other) with { Width = 320, Height = 240 }, _output);
        AddVideo(fragmenter, frames: 61, gop: 60, firstFrame: 30);

        Assert.Collection(
            _output,
            o => Assert.Equal(0, Assert.IsType<InitSegment>(o).Id),
            o => Assert.False(Assert.IsType<MediaFragment>(o).Discontinuity),
            o => Assert.Equal((1, 320), (Assert.IsType<InitSegment>(o).Id, ((InitSegment)o).Width)),
            o =>
            {
                var fragment = Assert.IsType<MediaFragment>(o);
                Assert.True(fragment.Discontinuity);
                Assert.Equal(1, fragment.InitSegmentId);
                Assert.Equal(TimeSpan.FromSeconds(1), fragment.MediaStart);
            });
    }

    [Fact]
    public void SetTrack_WithANewAudioConfiguration_RestartsVideoAtTheNextKeyframe()
    {
        var fragmenter = VideoOnly();
        fragmenter.SetTrack(MediaSamples.Aac(), _output);
        AddVideo(fragmenter, frames: 30, gop: 60);

        fragmenter.SetTrack(MediaSamples.Aac() with { CodecPrivate = new byte[] { 0x12, 0x10 }, SampleRate = 44_100 }, _output);
        AddVideo(fragmenter, frames: 61, gop: 60, firstFrame: 30, firstKeyframe: 0);
        fragmenter.Flush(_output);

        Assert.Equal(30, fragmenter.DroppedVideoFrames);
        var fragments = _output.OfType<MediaFragment>().ToList();
        Assert.Equal(TimeSpan.FromSeconds(2), fragments[1].MediaStart);
        Assert.True(fragments[1].Discontinuity);
        Assert.True(FirstVideoSampleIsSync(fragments[1]));
    }

    [Fact]
    public void SetTrack_WithTheSameConfiguration_ChangesNothing()
    {
        var fragmenter = VideoOnly();
        AddVideo(fragmenter, frames: 30, gop: 60);

        fragmenter.SetTrack(MediaSamples.Video(), _output);
        AddVideo(fragmenter, frames: 31, gop: 60, firstFrame: 30, firstKeyframe: 0);

        Assert.Equal(2, _output.Count);
        Assert.False(_output.OfType<MediaFragment>().Single().Discontinuity);
    }

    [Fact]
    public void Add_WithAudioOnly_CutsByDuration()
    {
        var fragmenter = new Fragmenter(new FragmenterOptions(), SessionStart);
        fragmenter.SetTrack(MediaSamples.Aac(), _output);

        for (var i = 0; i < 250; i++)
        {
            fragmenter.Add(AudioFrame(i * 1024L), _output);
        }

        var fragments = _output.OfType<MediaFragment>().ToList();
        Assert.Equal(2, fragments.Count);
        Assert.Equal("mp4a.40.2", Assert.IsType<InitSegment>(_output[0]).Codecs);
        Assert.All(fragments, f => Assert.InRange(f.Duration.TotalSeconds, 2.0, 2.03));
        Assert.Equal(fragments[0].MediaStart + fragments[0].Duration, fragments[1].MediaStart);
    }

    [Fact]
    public void Add_InterleavesAudioAndVideoOfTheSameTimeSpanIntoOneFragment()
    {
        var fragmenter = VideoOnly();
        fragmenter.SetTrack(MediaSamples.Aac(), _output);

        // 48 kHz audio frames (21.3 ms) interleaved with 30 fps video in time order, keyframes every 2 s.
        long audioDts = 0;
        for (var i = 0; i <= 120; i++)
        {
            var videoTime = i / 30.0;
            while (audioDts / 48000.0 < videoTime)
            {
                fragmenter.Add(AudioFrame(audioDts), _output);
                audioDts += 1024;
            }

            fragmenter.Add(Frame(i * FrameTicks, keyframe: i % 60 == 0), _output);
        }

        var fragments = _output.OfType<MediaFragment>().ToList();
        Assert.Equal(2, fragments.Count);
        var trafs = Mp4Box.Find(Mp4Box.ReadAll(fragments[1].Data), "moof").Children().Where(b => b.Type == "traf").ToList();
        Assert.Equal(2, trafs.Count);
        var audioTfdt = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(trafs[1].Children().Single(b => b.Type == "tfdt").Payload[4..]);

        // The second fragment starts at the 2 s keyframe; its audio starts at the first frame at or after 2 s.
        Assert.Equal(TimeSpan.FromSeconds(2), fragments[1].MediaStart);
        Assert.InRange(audioTfdt / 48000.0, 2.0, 2.0 + (1024 / 48000.0));
    }

    [Fact]
    public void Add_RejectsVideoDtsGoingBackwards()
    {
        var fragmenter = VideoOnly();
        fragmenter.Add(Frame(9000, keyframe: true), _output);

        var error = Assert.Throws<InvalidDataException>(() => fragmenter.Add(Frame(6000, keyframe: false), _output));

        Assert.Contains("went backwards", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_ClampsAudioJitterOfAFewMilliseconds()
    {
        var fragmenter = new Fragmenter(new FragmenterOptions(), SessionStart);
        fragmenter.SetTrack(MediaSamples.Aac(), _output);
        fragmenter.Add(AudioFrame(48_000), _output);

        fragmenter.Add(AudioFrame(48_000 - 100), _output);

        Assert.Throws<InvalidDataException>(() => fragmenter.Add(AudioFrame(0), _output));
    }

    [Fact]
    public void Add_RejectsAUnitForATrackWithoutConfiguration()
    {
        var fragmenter = VideoOnly();

        var error = Assert.Throws<InvalidDataException>(() => fragmenter.Add(AudioFrame(0), _output));

        Assert.Contains("Audio", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_CutsAtTheHardCapWhenNoKeyframeComes_AndWaitsForTheNextKeyframe()
    {
        var options = new FragmenterOptions { TargetDuration = TimeSpan.FromSeconds(1), MaxDuration = TimeSpan.FromSeconds(3) };
        var fragmenter = new Fragmenter(options, SessionStart);
        fragmenter.SetTrack(MediaSamples.Video(), _output);

        AddVideo(fragmenter, frames: 150, gop: 120);
        fragmenter.Flush(_output);

        var fragments = _output.OfType<MediaFragment>().ToList();
        Assert.Equal(TimeSpan.FromSeconds(3), fragments[0].Duration);
        Assert.Equal(TimeSpan.FromSeconds(4), fragments[1].MediaStart);
        Assert.Equal(30, fragmenter.DroppedVideoFrames);
    }

    [Fact]
    public void Flush_EmitsWhatIsBuffered()
    {
        var fragmenter = VideoOnly();
        AddVideo(fragmenter, frames: 15, gop: 60);

        fragmenter.Flush(_output);

        var fragment = Assert.IsType<MediaFragment>(_output[^1]);
        Assert.Equal(TimeSpan.FromSeconds(0.5), fragment.Duration);
        Assert.Equal(SessionStart, fragment.ProducerTime);
    }

    [Fact]
    public void ProducerTime_ComesFromTheUnitWhenGiven_ElseFromTheSessionStartPlusMediaTime()
    {
        var fragmenter = VideoOnly();
        var stamped = SessionStart.AddMinutes(5);
        fragmenter.Add(Frame(0, keyframe: true) with { ProducerTime = stamped }, _output);
        AddVideo(fragmenter, frames: 120, gop: 60, firstFrame: 1, firstKeyframe: 0);
        fragmenter.Flush(_output);

        var fragments = _output.OfType<MediaFragment>().ToList();
        Assert.Equal(stamped, fragments[0].ProducerTime);
        Assert.Equal(SessionStart.AddSeconds(2), fragments[1].ProducerTime);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(11)]
    public void Options_RejectATargetDurationOutside1To10Seconds(double seconds)
    {
        var options = new FragmenterOptions { TargetDuration = TimeSpan.FromSeconds(seconds) };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Fragmenter(options, SessionStart));

        Assert.Equal("TargetDuration", error.ParamName);
    }

    private Fragmenter VideoOnly()
    {
        var fragmenter = new Fragmenter(new FragmenterOptions(), SessionStart);
        fragmenter.SetTrack(MediaSamples.Video(), _output);
        return fragmenter;
    }

    /// <summary>Adds frames <paramref name="firstFrame"/>.. with keyframes every <paramref name="gop"/> frames from
    /// <paramref name="firstKeyframe"/> (default: the first frame added).</summary>
    private void AddVideo(Fragmenter fragmenter, int frames, int gop, int firstFrame = 0, int? firstKeyframe = null)
    {
        var keyBase = firstKeyframe ?? firstFrame;
        for (var i = firstFrame; i < firstFrame + frames; i++)
        {
            fragmenter.Add(Frame((long)i * FrameTicks, keyframe: (i - keyBase) % gop == 0), _output);
        }
    }

    private static AccessUnit Frame(long dts, bool keyframe) =>
        new(TrackKind.Video, dts, dts + FrameTicks, keyframe, new byte[] { 0, 0, 0, 1, keyframe ? (byte)0x65 : (byte)0x41 });

    private static AccessUnit AudioFrame(long dts) => new(TrackKind.Audio, dts, dts, true, new byte[] { 0x21, 0x10 });

    private static bool FirstVideoSampleIsSync(MediaFragment fragment)
    {
        var trun = Mp4Box.Find(Mp4Box.ReadAll(fragment.Data), "moof/traf/trun").Payload;
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(trun[20..]) == Platform.Video.Media.Mp4.FragmentWriter.SyncSampleFlags;
    }
}
