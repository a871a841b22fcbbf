using System.Globalization;
using System.Text.Json;

namespace Platform.Functions.Tests.Video;

/// <summary>What ffprobe (Debian) reads and decodes from HLS the host serves, and the checks the tests make on it.</summary>
internal static class HlsProbe
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Reads and decodes every packet of an ended (VOD) playlist: exit code 0 and nothing on stderr at <c>-v error</c>,
    /// DTS strictly increasing per stream; answers the format duration in seconds and the video packet count.
    /// </summary>
    public static async Task<(double Duration, int VideoPackets)> DecodeAsync(string url)
    {
        var (exitCode, stdout, stderr) = await MediaTool.RunAsync("ffprobe",
            ["-v", "error", "-show_entries", "packet=stream_index,codec_type,dts_time,pts_time,flags:frame=media_type,key_frame:format=duration", "-show_frames", "-show_packets", "-of", "json", url],
            ProbeTimeout);
        Assert.True(exitCode == 0, $"ffprobe exited with {exitCode} on {url}: {stderr}");
        Assert.True(stderr.Trim().Length == 0, $"ffprobe reported errors on {url}: {stderr}");

        var root = JsonDocument.Parse(stdout).RootElement;
        // Asked for both, ffprobe interleaves packets and frames in one array, each with its "type".
        var items = root.GetProperty("packets_and_frames").EnumerateArray().ToList();
        var packets = items.Where(i => i.GetProperty("type").GetString() == "packet").ToList();
        var lastDts = new Dictionary<int, double>();
        var videoPackets = 0;
        foreach (var packet in packets)
        {
            var stream = packet.GetProperty("stream_index").GetInt32();
            var dts = double.Parse(packet.GetProperty("dts_time").GetString()!, CultureInfo.InvariantCulture);
            if (lastDts.TryGetValue(stream, out var previous))
            {
                Assert.True(dts > previous, $"stream {stream}: DTS went from {previous} to {dts} in {url}");
            }

            lastDts[stream] = dts;
            videoPackets += packet.GetProperty("codec_type").GetString() == "video" ? 1 : 0;
        }

        Assert.True(lastDts.Count == 2, $"expected a video and an audio stream in {url}, saw {lastDts.Count}");
        var frames = items.Count(f => f.GetProperty("type").GetString() == "frame" && f.GetProperty("media_type").GetString() == "video");
        Assert.True(frames == videoPackets, $"{videoPackets} video packets but {frames} decoded frames in {url}");
        var duration = double.Parse(root.GetProperty("format").GetProperty("duration").GetString()!, CultureInfo.InvariantCulture);
        return (duration, videoPackets);
    }

    /// <summary>Each fragment, decoded on its own after its init segment, starts with a keyframe (an I picture) and decodes without errors.</summary>
    public static async Task AssertEveryFragmentStartsWithAKeyframeAsync(HttpClient client, Uri init, IReadOnlyList<Uri> fragments)
    {
        var initBytes = await client.GetByteArrayAsync(init);
        var folder = Directory.CreateTempSubdirectory("platform-fragment-");
        try
        {
            foreach (var (fragment, i) in fragments.Select((f, i) => (f, i)))
            {
                var file = Path.Combine(folder.FullName, $"{i}.mp4");
                await File.WriteAllBytesAsync(file, [.. initBytes, .. await client.GetByteArrayAsync(fragment)]);
                var (exitCode, stdout, stderr) = await MediaTool.RunAsync("ffprobe",
                    ["-v", "error", "-select_streams", "v:0", "-show_entries", "frame=key_frame,pict_type", "-of", "csv=p=0", file],
                    ProbeTimeout);
                Assert.True(exitCode == 0 && stderr.Trim().Length == 0, $"fragment {fragment} alone: ffprobe exit {exitCode}: {stderr}");
                var first = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
                Assert.True(first is not null && first.StartsWith("1,I", StringComparison.Ordinal), $"fragment {fragment} does not start with a keyframe: first frame '{first}'");
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
