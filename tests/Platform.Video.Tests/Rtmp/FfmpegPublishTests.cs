using System.Diagnostics;
using Platform.Video.Media;

namespace Platform.Video.Tests.Rtmp;

/// <summary>Debian's ffmpeg (libx264 with B-frames, AAC) publishing a generated test pattern to the server.</summary>
public sealed class FfmpegPublishTests
{
    [Fact]
    public async Task Ffmpeg_PublishesH264WithBFramesAndAac_AsAccessUnitsWithTheirConfigs()
    {
        await using var server = await RtmpTestServer.StartAsync();

        var publish = RunFfmpegAsync(
            $"-hide_banner -loglevel warning -re -f lavfi -i testsrc2=size=320x240:rate=30 -f lavfi -i sine=frequency=440:sample_rate=48000 -t 4 " +
            "-c:v libx264 -preset veryfast -bf 2 -g 60 -keyint_min 60 -sc_threshold 0 -pix_fmt yuv420p -c:a aac -b:a 96k " +
            $"-f flv rtmp://127.0.0.1:{server.Port}/live/cam1?key=abc",
            TimeSpan.FromSeconds(30));
        var session = await server.Ingest.WaitForSessionAsync("cam1", TimeSpan.FromSeconds(15));

        // A second ffmpeg on the live stream is told why it cannot publish, and gives up.
        var (secondExit, secondStderr) = await RunFfmpegAsync(
            $"-hide_banner -loglevel error -f lavfi -i testsrc2=size=160x120:rate=10 -t 1 -c:v libx264 -preset ultrafast -f flv rtmp://127.0.0.1:{server.Port}/live/cam1",
            TimeSpan.FromSeconds(20));
        Assert.NotEqual(0, secondExit);
        Assert.Contains("cam1 already has a live publisher", secondStderr, StringComparison.Ordinal);

        var (exitCode, stderr) = await publish;
        Assert.True(exitCode == 0, $"ffmpeg exited with {exitCode}: {stderr}");
        Assert.DoesNotContain("[rtmp @", stderr, StringComparison.Ordinal); // no complaint about the server's replies
        await session.Disposed.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("abc", session.Request.Credential);

        var video = Assert.Single(session.Configs, c => c.Kind == TrackKind.Video);
        Assert.Equal((MediaCodec.H264, 90_000, 320, 240), (video.Codec, video.Timescale, video.Width, video.Height));
        var audio = Assert.Single(session.Configs, c => c.Kind == TrackKind.Audio);
        Assert.Equal((MediaCodec.Aac, 48_000, 48_000), (audio.Codec, audio.Timescale, audio.SampleRate));

        var videoUnits = session.Units.Where(u => u.Track == TrackKind.Video).ToList();
        var audioUnits = session.Units.Where(u => u.Track == TrackKind.Audio).ToList();
        Assert.InRange(videoUnits.Count, 115, 121);
        Assert.InRange(audioUnits.Count, 170, 195); // 4 s of 1024-sample frames at 48 kHz is 187.5

        // GOP of 60 frames: keyframes 2 s apart in presentation time, starting with the first unit.
        var keyframes = videoUnits.Where(u => u.IsKeyframe).ToList();
        Assert.Equal(2, keyframes.Count);
        Assert.True(videoUnits[0].IsKeyframe);
        Assert.Equal(180_000, keyframes[1].Pts - keyframes[0].Pts, tolerance: 90);

        Assert.Contains(videoUnits, u => u.Pts > u.Dts); // B-frames reorder
        Assert.All(videoUnits, u => Assert.True(u.Pts >= u.Dts));
        AssertNonDecreasing(videoUnits);
        AssertNonDecreasing(audioUnits);

        // Frames are 1/30 s apart (3000 ticks, with RTMP's millisecond rounding) and every unit is 4-byte length-prefixed NALs.
        Assert.Equal(3000, (videoUnits[^1].Dts - videoUnits[0].Dts) / (double)(videoUnits.Count - 1), tolerance: 50);
        Assert.All(videoUnits, u => AssertLengthPrefixed(u.Data.Span));
    }

    private static void AssertNonDecreasing(List<AccessUnit> units)
    {
        for (var i = 1; i < units.Count; i++)
        {
            Assert.True(units[i].Dts >= units[i - 1].Dts, $"{units[i].Track} DTS went from {units[i - 1].Dts} to {units[i].Dts} at unit {i}");
        }
    }

    private static void AssertLengthPrefixed(ReadOnlySpan<byte> data)
    {
        var position = 0;
        while (position < data.Length)
        {
            var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(data[position..]);
            Assert.InRange(length, 1, data.Length - position - 4);
            position += 4 + length;
        }

        Assert.Equal(data.Length, position);
    }

    internal static async Task<(int ExitCode, string Stderr)> RunFfmpegAsync(string arguments, TimeSpan timeout)
    {
        var path = Environment.GetEnvironmentVariable("PATH")?.Split(':').Select(p => Path.Combine(p, "ffmpeg")).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("ffmpeg is not on PATH: install the Debian package 'ffmpeg' (apt-get install ffmpeg).");
        var psi = new ProcessStartInfo(path, arguments) { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true };
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"ffmpeg did not finish within {timeout}: {await stderr}");
        }

        await stdout;
        return (process.ExitCode, await stderr);
    }
}
