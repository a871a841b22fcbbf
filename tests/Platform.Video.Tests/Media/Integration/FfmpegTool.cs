using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;

namespace Platform.Video.Tests.Media.Integration;

/// <summary>Runs Debian's ffmpeg/ffprobe (packages <c>ffmpeg</c>) for the media tests; a missing binary fails the test.</summary>
internal static class FfmpegTool
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static async Task<Result> RunAsync(string tool, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException($"Cannot start {tool}.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"{tool} is not on PATH; install the Debian package 'ffmpeg' (apt-get install ffmpeg).", e);
        }

        using (process)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                throw;
            }

            return new Result(process.ExitCode, await stdout, await stderr);
        }
    }

    /// <summary>Runs a command that must succeed quietly (<c>-v error</c>): exit code 0 and nothing on stderr.</summary>
    public static async Task<string> RunCleanAsync(string tool, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var result = await RunAsync(tool, arguments, cancellationToken);
        Assert.True(result.ExitCode == 0 && result.Stderr.Length == 0, $"{tool} failed ({result.ExitCode}): {result.Stderr}");
        return result.Stdout;
    }

    /// <summary>Every packet of a file: stream index, PTS, DTS and the keyframe flag, in file order.</summary>
    public static async Task<List<Packet>> PacketsAsync(string file, CancellationToken cancellationToken)
    {
        var json = await RunCleanAsync(
            "ffprobe",
            ["-v", "error", "-show_entries", "packet=stream_index,pts,dts,flags", "-of", "json", file],
            cancellationToken);
        using var document = JsonDocument.Parse(json);
        var packets = new List<Packet>();
        foreach (var packet in document.RootElement.GetProperty("packets").EnumerateArray())
        {
            packets.Add(new Packet(
                packet.GetProperty("stream_index").GetInt32(),
                packet.GetProperty("pts").GetInt64(),
                packet.GetProperty("dts").GetInt64(),
                packet.GetProperty("flags").GetString()!.Contains('K', StringComparison.Ordinal)));
        }

        return packets;
    }

    public sealed record Packet(int Stream, long Pts, long Dts, bool Key);
}
