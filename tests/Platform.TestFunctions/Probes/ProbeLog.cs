using System.Runtime.InteropServices;
using System.Text;

namespace Platform.TestFunctions.Probes;

/// <summary>
/// Appends lines to a file shared by several host processes. Each line is one <c>write(2)</c> on a descriptor opened
/// with <c>O_APPEND | O_DSYNC</c>: the kernel places every line at the end of the file whoever wrote last, so the file's
/// order is the real order of the writes across processes, and a line is on disk before the call returns (it outlives
/// a <c>kill -9</c> of the writer). .NET's <see cref="FileMode.Append"/> seeks once and writes at its own offset, which
/// would let processes overwrite each other, hence libc.
/// </summary>
public sealed partial class ProbeLog : IDisposable
{
    private const int WriteOnly = 0x1;
    private const int Create = 0x40;
    private const int Append = 0x400;
    private const int DataSync = 0x1000;
    private const int CloseOnExec = 0x80000;
    private readonly int _fd = -1;

    public ProbeLog(IConfiguration configuration)
    {
        Host = configuration["Probe:Host"] is { Length: > 0 } host ? host : $"pid{Environment.ProcessId}";
        Path = configuration["Probe:File"] is { Length: > 0 } file ? file : null;
        if (Path is not null)
        {
            _fd = Open(Path, WriteOnly | Create | Append | DataSync | CloseOnExec, Convert.ToInt32("644", 8));
            if (_fd < 0)
            {
                throw new IOException($"Cannot open the probe file {Path} (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
    }

    /// <summary>This host's name in probe lines (Probe:Host, else the process id).</summary>
    public string Host { get; }

    /// <summary>The shared file, or null when Probe:File is not set (then nothing is written).</summary>
    public string? Path { get; }

    /// <summary>Appends <paramref name="line"/> and a newline in one write.</summary>
    /// <exception cref="IOException">The write failed or was short.</exception>
    public void WriteLine(string line)
    {
        if (_fd < 0)
        {
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        var written = Write(_fd, bytes, bytes.Length);
        if (written != bytes.Length)
        {
            throw new IOException($"Probe write to {Path} returned {written} of {bytes.Length} bytes (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            _ = Close(_fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint Write(int fd, byte[] buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
