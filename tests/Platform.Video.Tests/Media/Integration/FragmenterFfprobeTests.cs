using System.Buffers.Binary;
using System.Globalization;
using Platform.Video.Media;
using Platform.Video.Media.Aac;
using Platform.Video.Media.Fragmenting;
using Platform.Video.Media.H264;
using Platform.Video.Tests.Media.Mp4;

namespace Platform.Video.Tests.Media.Integration;

/// <summary>
/// Real encoder output (ffmpeg/libx264 with B-frames, AAC, libopus) is parsed with the media code, fragmented, and the
/// resulting fMP4 checked with ffprobe/ffmpeg (Debian package <c>ffmpeg</c>).
/// </summary>
public sealed class FragmenterFfprobeTests : IDisposable
{
    private static readonly DateTimeOffset SessionStart = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Directory.CreateTempSubdirectory("platform-media-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task H264WithBFramesAndAac_FragmentsDecodeWithTheSourceTimestamps()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        var source = Path.Combine(_directory, "source.ts");
        await FfmpegTool.RunCleanAsync("ffmpeg", [
            "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-t", "6", "-c:v", "libx264", "-bf", "2", "-g", "60", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "96k", "-f", "mpegts", source,
        ], ct);
        var videoFile = Path.Combine(_directory, "video.h264");
        var audioFile = Path.Combine(_directory, "audio.aac");
        await FfmpegTool.RunCleanAsync("ffmpeg", [
            "-v", "error", "-i", source, "-map", "0:v", "-c", "copy", "-f", "h264", videoFile, "-map", "0:a", "-c", "copy", "-f", "adts", audioFile,
        ], ct);

        // MPEG-TS timestamps are 90 kHz, the video timescale, so the source's packets are the reference timeline.
        var sourcePackets = await FfmpegTool.PacketsAsync(source, ct);
        var sourceVideo = sourcePackets.Where(p => p.Stream == 0).ToList();
        var sourceAudio = sourcePackets.Where(p => p.Stream == 1).ToList();
        var origin = Math.Min(sourceVideo[0].Dts, sourceAudio[0].Dts);

        var (videoConfig, videoUnits) = ReadAnnexB(await File.ReadAllBytesAsync(videoFile, ct), sourceVideo, origin);
        var (audioConfig, audioUnits) = ReadAdts(await File.ReadAllBytesAsync(audioFile, ct), sourceAudio[0].Dts - origin);
        Assert.Equal(sourceVideo.Count, videoUnits.Count);

        var output = new List<FragmentOutput>();
        var fragmenter = new Fragmenter(new FragmenterOptions(), SessionStart);
        fragmenter.SetTrack(videoConfig, output);
        fragmenter.SetTrack(audioConfig, output);
        foreach (var unit in Interleave(videoUnits, audioUnits))
        {
            fragmenter.Add(unit, output);
        }

        fragmenter.Flush(output);
        var init = Assert.IsType<InitSegment>(output[0]);
        Assert.Equal("avc1.64000d,mp4a.40.2", init.Codecs);
        Assert.Equal((320, 240), (init.Width, init.Height));
        var fragments = output.Skip(1).Select(o => Assert.IsType<MediaFragment>(o)).ToList();
        Assert.Equal(3, fragments.Count);
        var file = await WriteAsync(init, fragments, ct);

        // Decodes without a single error or warning.
        await FfmpegTool.RunCleanAsync("ffmpeg", ["-v", "error", "-i", file, "-f", "null", "-"], ct);
        var duration = double.Parse(
            await FfmpegTool.RunCleanAsync("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", file], ct),
            CultureInfo.InvariantCulture);
        Assert.InRange(duration, 5.9, 6.2);

        var packets = await FfmpegTool.PacketsAsync(file, ct);
        var video = packets.Where(p => p.Stream == 0).ToList();
        var audio = packets.Where(p => p.Stream == 1).ToList();
        AssertIncreasing(video.Select(p => p.Dts));
        AssertIncreasing(audio.Select(p => p.Dts));

        // Every B-frame keeps its presentation time: the output PTS equal the source's, frame for frame.
        Assert.Equal(sourceVideo.Select(p => p.Pts - origin), video.Select(p => p.Pts));
        Assert.Equal(sourceVideo.Select(p => p.Key), video.Select(p => p.Key));
        Assert.Equal(sourceAudio.Count, audio.Count);

        // Every fragment starts at a keyframe, in our moof and as ffprobe sees it.
        foreach (var fragment in fragments)
        {
            var videoTfdt = (long)BinaryPrimitives.ReadUInt64BigEndian(
                Mp4Box.Find(Mp4Box.ReadAll(fragment.Data), "moof/traf/tfdt").Payload[4..]);
            Assert.True(video.Single(p => p.Dts == videoTfdt).Key, $"The fragment at {fragment.MediaStart} does not start with a keyframe.");
        }
    }

    [Fact]
    public async Task OpusPackets_FragmentIntoAFileFfprobeReadsAndDecodes()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        var ogg = Path.Combine(_directory, "audio.ogg");
        await FfmpegTool.RunCleanAsync("ffmpeg", [
            "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "5", "-ac", "2", "-c:a", "libopus", "-b:a", "64k", "-f", "ogg", ogg,
        ], ct);
        var packets = OggOpusReader.ReadPackets(await File.ReadAllBytesAsync(ogg, ct));

        var output = new List<FragmentOutput>();
        var fragmenter = new Fragmenter(new FragmenterOptions(), SessionStart);
        fragmenter.SetTrack(new TrackConfig(TrackKind.Audio, MediaCodec.Opus, 48_000, ReadOnlyMemory<byte>.Empty, SampleRate: 48_000, Channels: 2), output);
        long dts = 0;
        foreach (var packet in packets)
        {
            fragmenter.Add(new AccessUnit(TrackKind.Audio, dts, dts, true, packet), output);
            dts += OpusSamples(packet);
        }

        fragmenter.Flush(output);
        var init = Assert.IsType<InitSegment>(output[0]);
        Assert.Equal("opus", init.Codecs);
        var fragments = output.Skip(1).Select(o => Assert.IsType<MediaFragment>(o)).ToList();
        Assert.Equal(3, fragments.Count);
        var file = await WriteAsync(init, fragments, ct);

        await FfmpegTool.RunCleanAsync("ffmpeg", ["-v", "error", "-i", file, "-f", "null", "-"], ct);
        var streams = await FfmpegTool.RunCleanAsync(
            "ffprobe", ["-v", "error", "-show_entries", "stream=codec_name,sample_rate,channels:format=duration", "-of", "csv=p=0", file], ct);
        Assert.Contains("opus,48000,2", streams, StringComparison.Ordinal);
        var outputPackets = await FfmpegTool.PacketsAsync(file, ct);
        Assert.Equal(packets.Count, outputPackets.Count);
        AssertIncreasing(outputPackets.Select(p => p.Dts));
    }

    private static (TrackConfig Config, List<AccessUnit> Units) ReadAnnexB(byte[] stream, List<FfmpegTool.Packet> timestamps, long origin)
    {
        // The TS muxer starts every access unit with an access unit delimiter, so AUDs split the stream into frames.
        var units = new List<AccessUnit>();
        var nals = new List<ReadOnlyMemory<byte>>();
        byte[]? sps = null, pps = null;
        var keyframe = false;

        void Finish()
        {
            if (nals.Count == 0)
            {
                return;
            }

            var packet = timestamps[units.Count];
            units.Add(new AccessUnit(TrackKind.Video, packet.Dts - origin, packet.Pts - origin, keyframe, NalUnits.ToLengthPrefixed(nals)));
            nals.Clear();
            keyframe = false;
        }

        foreach (var range in NalUnits.SplitAnnexB(stream))
        {
            var nal = stream.AsMemory(range);
            switch (NalUnits.TypeOf(nal.Span))
            {
                case NalUnitType.AccessUnitDelimiter:
                    Finish();
                    break;
                case NalUnitType.Sps:
                    sps = nal.ToArray();
                    break;
                case NalUnitType.Pps:
                    pps = nal.ToArray();
                    break;
                case NalUnitType.IdrSlice:
                    keyframe = true;
                    nals.Add(nal);
                    break;
                default:
                    nals.Add(nal);
                    break;
            }
        }

        Finish();
        var avcC = AvcDecoderConfiguration.Build(sps!, pps!);
        var size = avcC.ParseSequenceParameterSet();
        return (new TrackConfig(TrackKind.Video, MediaCodec.H264, 90_000, avcC.ToBytes(), size.Width, size.Height), units);
    }

    private static (TrackConfig Config, List<AccessUnit> Units) ReadAdts(byte[] stream, long start90k)
    {
        var units = new List<AccessUnit>();
        AudioSpecificConfig? config = null;
        byte[]? asc = null;
        var offset = 0;
        var dts = start90k * 48_000 / 90_000;
        while (offset < stream.Length)
        {
            Assert.True(AdtsHeader.TryParse(stream.AsSpan(offset), out var header), $"No ADTS header at {offset}.");
            asc ??= header.ToAudioSpecificConfig();
            config ??= AudioSpecificConfig.Parse(asc);
            units.Add(new AccessUnit(TrackKind.Audio, dts, dts, true, stream.AsMemory(offset + header.HeaderLength, header.FrameLength - header.HeaderLength)));
            dts += config.FrameLength;
            offset += header.FrameLength;
        }

        Assert.Equal(48_000, config!.SamplingFrequency);
        return (new TrackConfig(TrackKind.Audio, MediaCodec.Aac, 48_000, asc!, SampleRate: 48_000, Channels: config.ChannelCount), units);
    }

    /// <summary>Merges the tracks in decode-time order, as a muxed stream delivers them.</summary>
    private static IEnumerable<AccessUnit> Interleave(List<AccessUnit> video, List<AccessUnit> audio)
    {
        int v = 0, a = 0;
        while (v < video.Count || a < audio.Count)
        {
            var takeVideo = a >= audio.Count ||
                (v < video.Count && video[v].Dts / 90_000.0 <= audio[a].Dts / 48_000.0);
            yield return takeVideo ? video[v++] : audio[a++];
        }
    }

    private static int OpusSamples(byte[] packet)
    {
        // RFC 6716 clause 3.1: the TOC byte gives the frame duration and the frame count.
        var config = packet[0] >> 3;
        var frameSamples = config switch
        {
            < 12 => new[] { 480, 960, 1920, 2880 }[config % 4],
            < 16 => new[] { 480, 960 }[config % 2],
            _ => new[] { 120, 240, 480, 960 }[config % 4],
        };
        var frames = (packet[0] & 3) switch
        {
            0 => 1,
            1 or 2 => 2,
            _ => packet[1] & 0x3F,
        };
        return frameSamples * frames;
    }

    private static void AssertIncreasing(IEnumerable<long> values)
    {
        long? previous = null;
        foreach (var value in values)
        {
            Assert.True(previous is null || value > previous, $"Timestamp {value} does not increase after {previous}.");
            previous = value;
        }
    }

    private async Task<string> WriteAsync(InitSegment init, List<MediaFragment> fragments, CancellationToken ct)
    {
        var path = Path.Combine(_directory, "output.mp4");
        await using var file = File.Create(path);
        await file.WriteAsync(init.Data, ct);
        foreach (var fragment in fragments)
        {
            await file.WriteAsync(fragment.Data, ct);
        }

        return path;
    }
}
