using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Platform.Testing;

namespace Platform.Benchmarks.Video;

/// <summary>Shared pieces of the video runs: the test file, the host process, publishers.</summary>
internal static class VideoBench
{
    public static string Ffmpeg => "/usr/bin/ffmpeg";

    /// <summary>The 720p30 2.5 Mbit/s H.264 + AAC file of TESTBED.md, made once into a cache folder.</summary>
    public static async Task<string> TestFileAsync(CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Path.GetTempPath(), "platform-video-bench");
        var file = Path.Combine(folder, "test.flv");
        if (File.Exists(file))
        {
            return file;
        }

        Directory.CreateDirectory(folder);
        using var ffmpeg = ChildProcess.Start(Ffmpeg,
        [
            "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "60",
            "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-b:v", "2500k", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0",
            "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k", "-f", "flv", file + ".tmp",
        ]);
        var exit = await ffmpeg.WaitAsync(TimeSpan.FromMinutes(5), cancellationToken);
        if (exit != 0)
        {
            throw new InvalidOperationException($"ffmpeg could not make the test file: {ffmpeg.Output}");
        }

        File.Move(file + ".tmp", file);
        return file;
    }

    /// <summary>A host process over a fresh temp folder, with its RTMP listener on a port chosen here.</summary>
    public static async Task<(HostProcess Host, int RtmpPort, string Folder)> StartHostAsync(HttpClient client, CancellationToken cancellationToken, IDictionary<string, string>? settings = null)
    {
        var folder = Directory.CreateTempSubdirectory("bench-video-host-").FullName;
        var rtmpPort = LoopbackPort.Free();
        var environment = new Dictionary<string, string>(settings ?? new Dictionary<string, string>())
        {
            ["Platform__Video__Rtmp__Port"] = rtmpPort.ToString(CultureInfo.InvariantCulture),
            ["Logging__LogLevel__Default"] = "Warning",
        };
        var host = HostProcess.Start(folder, environment);
        await host.WaitUntilHealthyAsync(client, TimeSpan.FromSeconds(60));
        await WaitForPortAsync(rtmpPort, TimeSpan.FromSeconds(20), cancellationToken);
        return (host, rtmpPort, folder);
    }

    public static async Task WaitForPortAsync(int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100, cancellationToken);
            }
        }

        throw new TimeoutException($"nothing listens on 127.0.0.1:{port} after {timeout}");
    }

    /// <summary>ffmpeg sending <paramref name="file"/> in real time, looped, without re-encoding.</summary>
    public static ChildProcess Publish(string file, string url, params string[] extra) => ChildProcess.Start(Ffmpeg,
    [
        "-hide_banner", "-loglevel", "error", "-nostats", .. extra,
        "-re", "-stream_loop", "-1", "-i", file, "-c", "copy", "-f", "flv", url,
    ]);

    public static void DeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public static string Mb(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);

    public static string F(double value, string format = "0.00") => value.ToString(format, CultureInfo.InvariantCulture);
}
