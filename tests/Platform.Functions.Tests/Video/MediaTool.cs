using System.Diagnostics;
using System.Text;

namespace Platform.Functions.Tests.Video;

/// <summary>
/// A Debian media tool (ffmpeg, ffprobe) run as a child process with its output collected. A missing tool fails the
/// test with the package to install; a run past its time is killed by process id.
/// </summary>
internal sealed class MediaTool : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private MediaTool(Process process)
    {
        _process = process;
    }

    public string StandardOutput
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public static MediaTool Start(string tool, IEnumerable<string> arguments)
    {
        var path = Path.Combine("/usr/bin", tool);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{tool} is not installed at {path}; install the Debian package ffmpeg.");
        }

        var psi = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException($"Cannot start {path}.");
        var tool_ = new MediaTool(process);
        process.OutputDataReceived += (_, e) => Append(tool_._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(tool_._stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return tool_;
    }

    /// <summary>Runs the tool to its end: exit code, stdout and stderr (exit code -1 when it had to be killed).</summary>
    public static async Task<(int ExitCode, string StandardOutput, string StandardError)> RunAsync(string tool, IEnumerable<string> arguments, TimeSpan timeout)
    {
        await using var run = Start(tool, arguments);
        var exitCode = await run.WaitAsync(timeout);
        return (exitCode, run.StandardOutput, run.StandardError);
    }

    /// <summary>Waits for the exit; kills the process (by id, with its children) and answers -1 past the timeout.</summary>
    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            return -1;
        }
    }

    /// <summary>Asks ffmpeg to finish as its own 'q' key does (it closes the output properly), then waits.</summary>
    public async Task<int> QuitAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            try
            {
                await _process.StandardInput.WriteAsync('q');
                await _process.StandardInput.FlushAsync();
            }
            catch (IOException)
            {
                // It exited meanwhile.
            }
        }

        return await WaitAsync(timeout);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static void Append(StringBuilder builder, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (builder)
        {
            builder.AppendLine(line);
        }
    }
}
