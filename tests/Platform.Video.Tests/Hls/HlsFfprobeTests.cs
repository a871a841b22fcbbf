using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Platform.Video.Hls;

namespace Platform.Video.Tests.Hls;

public class HlsFfprobeTests
{
    [Fact]
    public async Task Ffprobe_ReadsAnOnDemandSession_OverHttp_WithTheFullDurationAndNoErrors()
    {
        var media = await FfmpegFragments.GetAsync(6);
        DateTimeOffset first = default;
        await using var host = await PlaybackTestHost.StartAsync((reader, time) =>
        {
            first = time.GetUtcNow().AddMinutes(-1);
            media.AddTo(reader, "probe", first);
        });
        var session = host.Session("probe", HlsPlaybackMode.OnDemand, first, first.AddSeconds(30)) with { MaxFragments = 1000 };

        var (exitCode, stdout, stderr) = await RunAsync("ffprobe", $"-v error -show_entries format=duration -show_entries stream=codec_name -of json \"{host.BaseUrl}{host.SessionPath(session)}\"");

        Assert.True(exitCode == 0 && stderr.Length == 0, $"ffprobe exit {exitCode}: {stderr}");
        using var json = JsonDocument.Parse(stdout);
        var duration = double.Parse(json.RootElement.GetProperty("format").GetProperty("duration").GetString()!, CultureInfo.InvariantCulture);
        Assert.InRange(duration, 5.5, 6.5);
        var codecs = json.RootElement.GetProperty("streams").EnumerateArray().Select(s => s.GetProperty("codec_name").GetString()).ToHashSet();
        Assert.Contains("h264", codecs);
        Assert.Contains("aac", codecs);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string tool, string arguments)
    {
        var psi = new ProcessStartInfo(tool, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{tool} is not on PATH; install the Debian package ffmpeg.", e);
        }

        using (process)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await stdout, await stderr);
        }
    }
}
