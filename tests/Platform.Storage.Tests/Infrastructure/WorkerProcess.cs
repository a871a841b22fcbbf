using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Platform.Storage.Tests.Infrastructure;

/// <summary>One Platform.TestWorker process appending to an embedded data folder, with the appends it acknowledged.</summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<string> _errors = new();

    private WorkerProcess(Process process) => _process = process;

    public ConcurrentQueue<Ack> Acks { get; } = new();

    public int Id => _process.Id;

    public static WorkerProcess StartAppending(string dataPath, BlobPath blob, int worker, int count, int minSize, int maxSize) =>
        Start([
            "append", "--data", dataPath, "--container", blob.Container, "--blob", blob.Name,
            "--worker", worker.ToString(CultureInfo.InvariantCulture), "--count", count.ToString(CultureInfo.InvariantCulture),
            "--min-size", minSize.ToString(CultureInfo.InvariantCulture), "--max-size", maxSize.ToString(CultureInfo.InvariantCulture),
        ]);

    public static WorkerProcess StartClaiming(string dataPath, BlobPath blob, int worker, string goFile) =>
        Start([
            "claim", "--data", dataPath, "--container", blob.Container, "--blob", blob.Name,
            "--worker", worker.ToString(CultureInfo.InvariantCulture), "--go", goFile,
        ]);

    /// <summary>Lines other than ACKs the worker printed (READY, WON, LOST).</summary>
    public ConcurrentQueue<string> Lines { get; } = new();

    private static WorkerProcess Start(string[] arguments)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Platform.TestWorker.dll"));
        foreach (var arg in arguments)
        {
            psi.ArgumentList.Add(arg);
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("Cannot start Platform.TestWorker.");
        var worker = new WorkerProcess(process);
        process.OutputDataReceived += (_, e) => worker.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                worker._errors.Enqueue(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    public string Errors => string.Join('\n', _errors);

    /// <summary>Waits until the worker has acknowledged <paramref name="count"/> appends, or fails.</summary>
    public async Task WaitForAcksAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Acks.Count < count)
        {
            if (_process.HasExited && Acks.Count < count)
            {
                throw new InvalidOperationException($"Worker exited with {_process.ExitCode} after {Acks.Count} acks: {Errors}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Worker acknowledged {Acks.Count} of {count} appends in {timeout}. {Errors}");
            }

            await Task.Delay(5);
        }
    }

    public async Task WaitForDoneAsync(TimeSpan timeout)
    {
        await _done.Task.WaitAsync(timeout);
        await _process.WaitForExitAsync();
        if (_process.ExitCode != 0)
        {
            throw new InvalidOperationException($"Worker failed with exit code {_process.ExitCode}: {Errors}");
        }
    }

    /// <summary>SIGKILL: no finalizers, no flushes, no chance to finish the append in flight.</summary>
    public async Task KillHardAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();

        // Output the process wrote before dying may still be in the pipe: let the reader drain it.
        await Task.Delay(100);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            _done.TrySetResult();
            return;
        }

        var parts = line.Split(' ');
        if (parts is ["ACK", var w, var s, var o, var l])
        {
            Acks.Enqueue(new Ack(int.Parse(w, CultureInfo.InvariantCulture), int.Parse(s, CultureInfo.InvariantCulture), long.Parse(o, CultureInfo.InvariantCulture), int.Parse(l, CultureInfo.InvariantCulture)));
        }
        else
        {
            Lines.Enqueue(line);
        }
    }

    internal readonly record struct Ack(int Worker, int Sequence, long Offset, int Length);
}
