using System.Globalization;
using Platform.Testing;

namespace Platform.Benchmarks.Video;

/// <summary>
/// nginx with libnginx-mod-rtmp doing RTMP to HLS (2 s fragments) on a free loopback port, from a minimal
/// configuration in a temp folder, run in the foreground as a child of the benchmark.
/// </summary>
internal sealed class NginxRtmp : IDisposable
{
    private readonly ChildProcess _process;

    private NginxRtmp(ChildProcess process, string folder, int port)
    {
        _process = process;
        Folder = folder;
        Port = port;
    }

    public string Folder { get; }

    public int Port { get; }

    public int ProcessId => _process.Id;

    public string HlsPath => Path.Combine(Folder, "hls");

    public static NginxRtmp Start()
    {
        var module = new[] { "/usr/lib/nginx/modules/ngx_rtmp_module.so", "/usr/share/nginx/modules/ngx_rtmp_module.so" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("ngx_rtmp_module.so not found; install the Debian packages nginx-light and libnginx-mod-rtmp.");
        var folder = Directory.CreateTempSubdirectory("bench-nginx-rtmp-").FullName;
        var port = LoopbackPort.Free();
        Directory.CreateDirectory(Path.Combine(folder, "hls"));
        Directory.CreateDirectory(Path.Combine(folder, "logs"));

        // Workers run as an unprivileged user (nobody); the temp folder is the benchmark's own (0700).
        const UnixFileMode open = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
            | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, open);
            File.SetUnixFileMode(Path.Combine(folder, "hls"), open);
        }
        var conf = string.Create(CultureInfo.InvariantCulture, $$"""
            load_module {{module}};
            daemon off;
            master_process on;
            worker_processes 1;
            pid {{folder}}/nginx.pid;
            error_log {{folder}}/logs/error.log warn;
            events { worker_connections 1024; }
            rtmp {
                server {
                    listen 127.0.0.1:{{port}};
                    application live {
                        live on;
                        hls on;
                        hls_path {{folder}}/hls;
                        hls_fragment 2s;
                    }
                }
            }
            """);
        File.WriteAllText(Path.Combine(folder, "nginx.conf"), conf);
        var process = ChildProcess.Start("/usr/sbin/nginx", ["-p", folder, "-c", Path.Combine(folder, "nginx.conf"), "-e", Path.Combine(folder, "logs", "error.log")]);
        return new NginxRtmp(process, folder, port);
    }

    public void Dispose()
    {
        _process.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A worker may still be closing a fragment; the temp folder is left behind.
        }
    }
}
