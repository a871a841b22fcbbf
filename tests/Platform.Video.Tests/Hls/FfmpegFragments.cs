using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Platform.Video.Tests.Hls;

/// <summary>
/// Real CMAF media made by ffmpeg at test time (nothing binary is committed): an H.264 + AAC test pattern cut into
/// 2-second fMP4 fragments with one init segment, and the codecs string ffmpeg announces for it. Made once per test run.
/// </summary>
internal sealed partial record FfmpegFragments(byte[] Init, string Codecs, IReadOnlyList<(byte[] Data, TimeSpan Duration)> Fragments)
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Dictionary<int, FfmpegFragments> Made = [];

    /// <summary><paramref name="seconds"/> of 320x240 25 fps video with a 440 Hz tone, keyframes every 2 s.</summary>
    public static async Task<FfmpegFragments> GetAsync(int seconds)
    {
        await Gate.WaitAsync();
        try
        {
            if (Made.TryGetValue(seconds, out var made))
            {
                return made;
            }

            var dir = Directory.CreateTempSubdirectory("hls-fixture-");
            try
            {
                var args = string.Create(CultureInfo.InvariantCulture,
                    $"-hide_banner -loglevel error -f lavfi -i testsrc2=size=320x240:rate=25 -f lavfi -i sine=frequency=440:sample_rate=48000 -t {seconds} ") +
                    "-c:v libx264 -preset ultrafast -g 50 -keyint_min 50 -sc_threshold 0 -pix_fmt yuv420p -c:a aac -b:a 64k " +
                    "-f hls -hls_time 2 -hls_playlist_type vod -hls_segment_type fmp4 -hls_fmp4_init_filename init.mp4 " +
                    "-hls_segment_filename seg%d.m4s -master_pl_name master.m3u8 media.m3u8";
                var psi = new ProcessStartInfo("ffmpeg", args) { WorkingDirectory = dir.FullName, RedirectStandardError = true, RedirectStandardOutput = true };
                Process process;
                try
                {
                    process = Process.Start(psi)!;
                }
                catch (System.ComponentModel.Win32Exception e)
                {
                    throw new InvalidOperationException("ffmpeg is not on PATH; install the Debian package ffmpeg (the HLS tests cut real fMP4 fragments with it).", e);
                }

                using (process)
                {
                    var stderr = process.StandardError.ReadToEndAsync();
                    await process.WaitForExitAsync();
                    if (process.ExitCode != 0)
                    {
                        throw new InvalidOperationException($"ffmpeg failed ({process.ExitCode}): {await stderr}");
                    }
                }

                var media = await File.ReadAllLinesAsync(Path.Combine(dir.FullName, "media.m3u8"));
                var fragments = new List<(byte[], TimeSpan)>();
                for (var i = 0; i < media.Length; i++)
                {
                    if (media[i].StartsWith("#EXTINF:", StringComparison.Ordinal))
                    {
                        var duration = double.Parse(media[i]["#EXTINF:".Length..].TrimEnd(','), CultureInfo.InvariantCulture);
                        fragments.Add((await File.ReadAllBytesAsync(Path.Combine(dir.FullName, media[i + 1])), TimeSpan.FromSeconds(duration)));
                    }
                }

                var master = await File.ReadAllTextAsync(Path.Combine(dir.FullName, "master.m3u8"));
                var codecs = CodecsPattern().Match(master) is { Success: true } m ? m.Groups[1].Value : "avc1.42c00d,mp4a.40.2";
                made = new FfmpegFragments(await File.ReadAllBytesAsync(Path.Combine(dir.FullName, "init.mp4")), codecs, fragments);
                Made[seconds] = made;
                return made;
            }
            finally
            {
                dir.Delete(recursive: true);
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>
    /// Puts the fragments into <paramref name="reader"/> as stream <paramref name="stream"/>, the first received at
    /// <paramref name="firstServerTime"/>, numbered as the store numbers them (server milliseconds × 1000, so not consecutive).
    /// </summary>
    public void AddTo(MemoryFragmentReader reader, string stream, DateTimeOffset firstServerTime)
    {
        reader.AddInit(stream, "s0-0", Init, Codecs);
        var at = firstServerTime;
        for (var i = 0; i < Fragments.Count; i++)
        {
            var (data, duration) = Fragments[i];
            reader.Add(stream, new Platform.Video.Store.FragmentInfo(at.ToUnixTimeMilliseconds() * 1000, "s0-0", at.AddMilliseconds(-300), at, duration, data.Length, i == 0), data);
            at += duration;
        }
    }

    [GeneratedRegex("CODECS=\"([^\"]+)\"")]
    private static partial Regex CodecsPattern();
}
