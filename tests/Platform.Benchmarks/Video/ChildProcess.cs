using System.Diagnostics;
using System.Text;

namespace Platform.Benchmarks.Video;

/// <summary>A tool the benchmark starts (ffmpeg, nginx, wrk); its output is kept, and it is stopped by its own id.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ChildProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Raised for each stdout line, with the time it was read.</summary>
    public event Action<string, long>? Line;

    public static ChildProcess Start(string file, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        if (!File.Exists(file))
        {
            throw new InvalidOperationException($"{file} is missing; install its Debian package (ffmpeg, nginx-light + libnginx-mod-rtmp, wrk).");
        }

        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        if (workingDirectory is not null)
        {
            psi.WorkingDirectory = workingDirectory;
        }

        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        var child = new ChildProcess(Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}"));
        child._process.OutputDataReceived += (_, e) => child.Append(e.Data, stdout: true);
        child._process.ErrorDataReceived += (_, e) => child.Append(e.Data, stdout: false);
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        return child;
    }

    public async Task<int> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            await _process.WaitForExitAsync(CancellationToken.None);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            Dispose();
            throw new TimeoutException($"{_process.StartInfo.FileName} did not finish in {timeout}: {Output}");
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private void Append(string? line, bool stdout)
    {
        if (line is null)
        {
            return;
        }

        if (stdout)
        {
            Line?.Invoke(line, Stopwatch.GetTimestamp());
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
