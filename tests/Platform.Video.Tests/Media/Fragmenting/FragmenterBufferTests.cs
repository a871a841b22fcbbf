using System.Buffers.Binary;
using Platform.Video.Media;
using Platform.Video.Media.Fragmenting;
using Platform.Video.Tests.Media.Mp4;

namespace Platform.Video.Tests.Media.Fragmenting;

/// <summary>
/// The fragmenter copies each unit's bytes into a buffer per track that it reuses from fragment to fragment, so
/// producers may hand it borrowed memory (RTMP passes slices of its pooled message buffers).
/// </summary>
public sealed class FragmenterBufferTests
{
    private const int VideoFrameTicks = 3000; // 30 fps at 90 kHz
    private const int AudioFrameTicks = 1024; // AAC at 48 kHz
    private static readonly DateTimeOffset SessionStart = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void Add_CopiesEveryUnit_SoOneBufferReusedForAllUnitsStillGivesEachSampleItsOwnBytes()
    {
        var output = new List<FragmentOutput>();
        var fragmenter = new Fragmenter(new FragmenterOptions(), SessionStart);
        fragmenter.SetTrack(MediaSamples.Video(), output);
        fragmenter.SetTrack(MediaSamples.Aac(), output);
        var shared = new byte[8192];
        var sent = new Dictionary<TrackKind, List<byte[]>> { [TrackKind.Video] = [], [TrackKind.Audio] = [] };

        // 7 s of 30 fps video (keyframe every 60 frames) interleaved in time with AAC frames: cuts at keyframes carry
        // the audio after the keyframe over to the next fragment, and video frames of up to 6 KB make the buffers grow
        // past their initial size several times.
        var audioIndex = 0;
        for (var v = 0; v < 210; v++)
        {
            var videoDts = (long)v * VideoFrameTicks;
            while (audioIndex * AudioFrameTicks * 90_000L / 48_000 < videoDts)
            {
                var audioDts = (long)audioIndex * AudioFrameTicks;
                Send(TrackKind.Audio, audioDts, audioDts, keyframe: true, length: 200 + (audioIndex % 50), seed: 1000 + audioIndex);
                audioIndex++;
            }

            Send(TrackKind.Video, videoDts, videoDts + VideoFrameTicks, keyframe: v % 60 == 0, length: 1000 + (v * 37 % 5000), seed: v);
        }

        fragmenter.Flush(output);

        var fragments = output.OfType<MediaFragment>().ToList();
        Assert.Equal(4, fragments.Count);
        var stored = new Dictionary<TrackKind, List<byte[]>> { [TrackKind.Video] = [], [TrackKind.Audio] = [] };
        foreach (var fragment in fragments)
        {
            foreach (var (track, samples) in Samples(fragment.Data))
            {
                stored[track].AddRange(samples);
            }
        }

        Assert.Equal(sent[TrackKind.Video].Count, stored[TrackKind.Video].Count);
        Assert.Equal(sent[TrackKind.Audio].Count, stored[TrackKind.Audio].Count);
        Assert.All(Enumerable.Range(0, sent[TrackKind.Video].Count), i => Assert.Equal(sent[TrackKind.Video][i], stored[TrackKind.Video][i]));
        Assert.All(Enumerable.Range(0, sent[TrackKind.Audio].Count), i => Assert.Equal(sent[TrackKind.Audio][i], stored[TrackKind.Audio][i]));

        void Send(TrackKind track, long dts, long pts, bool keyframe, int length, int seed)
        {
            var bytes = Pattern(length, seed);
            bytes.CopyTo(shared, 0);
            fragmenter.Add(new AccessUnit(track, dts, pts, keyframe, shared.AsMemory(0, length)), output);
            Array.Fill(shared, (byte)0xEE); // the caller reuses its buffer at once
            sent[track].Add(bytes);
        }
    }

    [Fact]
    public void KeepFrom_MovesTheKeptSamplesToTheStartOfTheBuffer_AndLaterSamplesFollowThem()
    {
        var track = new TrackBuffer(MediaSamples.Aac(), 1024);
        for (var i = 0; i < 5; i++)
        {
            track.Add(new AccessUnit(TrackKind.Audio, i * 1024, i * 1024, true, Pattern(100 + i, i)));
        }

        track.KeepFrom(3);
        track.Add(new AccessUnit(TrackKind.Audio, 5 * 1024, 5 * 1024, true, Pattern(105, 5)));

        Assert.Equal(3, track.Count);
        Assert.Equal(103 + 104 + 105, track.BufferedBytes);
        Assert.Equal(0, track[0].Offset);
        Assert.Equal([3 * 1024L, 4 * 1024, 5 * 1024], [track[0].Dts, track[1].Dts, track[2].Dts]);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(Pattern(103 + i, 3 + i), track.DataOf(track[i]).ToArray());
        }
    }

    [Fact]
    public void KeepFrom_PastTheLastSample_EmptiesTheTrack()
    {
        var track = new TrackBuffer(MediaSamples.Aac(), 1024);
        track.Add(new AccessUnit(TrackKind.Audio, 0, 0, true, Pattern(10, 1)));

        track.KeepFrom(int.MaxValue);

        Assert.Equal(0, track.Count);
        Assert.Equal(0, track.BufferedBytes);
    }

    private static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = unchecked((byte)((seed * 31) + (i * 7)));
        }

        return bytes;
    }

    /// <summary>Each track's samples as the fragment stores them, read through tfhd, trun and the data offsets.</summary>
    private static IEnumerable<(TrackKind Track, List<byte[]> Samples)> Samples(ReadOnlyMemory<byte> fragment)
    {
        var moof = Mp4Box.Find(Mp4Box.ReadAll(fragment), "moof");
        foreach (var traf in moof.Children().Where(b => b.Type == "traf"))
        {
            var boxes = traf.Children();
            var trackId = BinaryPrimitives.ReadUInt32BigEndian(Mp4Box.Find(boxes, "tfhd").Payload[4..]);
            var trun = Mp4Box.Find(boxes, "trun").Payload;
            var flags = BinaryPrimitives.ReadUInt32BigEndian(trun) & 0xFFFFFF;
            var count = (int)BinaryPrimitives.ReadUInt32BigEndian(trun[4..]);
            var offset = moof.Offset + BinaryPrimitives.ReadInt32BigEndian(trun[8..]);
            var entrySize = (flags & 0x800) != 0 ? 16 : 12;
            var samples = new List<byte[]>(count);
            for (var i = 0; i < count; i++)
            {
                var size = (int)BinaryPrimitives.ReadUInt32BigEndian(trun[(12 + (i * entrySize) + 4)..]);
                samples.Add(fragment.Slice(offset, size).ToArray());
                offset += size;
            }

            yield return (trackId == 1 ? TrackKind.Video : TrackKind.Audio, samples);
        }
    }
}
