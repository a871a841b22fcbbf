using System.Diagnostics;
using System.Text;

namespace Platform.Testing;

/// <summary>What a finished (or stopped) node process printed, and how it ended.</summary>
/// <param name="ExitCode">The process's exit code; -1 when it was stopped for time or cancellation.</param>
/// <param name="StandardOutput">Everything written to stdout.</param>
/// <param name="StandardError">Everything written to stderr.</param>
/// <param name="StoppedBecause">Why the process was killed, or null when it exited by itself.</param>
public sealed record NodeScriptResult(int ExitCode, string StandardOutput, string StandardError, string? StoppedBecause)
{
    /// <summary>stdout, then stderr, for failure messages.</summary>
    public string Transcript =>
        $"exit code {ExitCode}{(StoppedBecause is null ? string.Empty : $" ({StoppedBecause})")}\n--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}";
}

/// <summary>
/// Runs <c>node</c> from the repository root with arguments and extra environment, collecting its
/// output. A run that outlives its timeout, or whose token is cancelled, has its process tree killed
/// by process id and is reported, not thrown.
/// </summary>
public static class NodeScript
{
    public static Task<NodeScriptResult> RunAsync(
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string> environment,
        TimeSpan timeout,
        CancellationToken cancellationToken = default) =>
        RunProgramAsync("node", arguments, environment, timeout, cancellationToken);

    /// <summary>The same for another program (the AWS CLI, say), started from the repository root.</summary>
    public static async Task<NodeScriptResult> RunProgramAsync(
        string program,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string> environment,
        TimeSpan timeout,
        CancellationToken cancellationToken = default)
    {
        var psi = new ProcessStartInfo(program)
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            psi.Environment[key] = value;
        }

        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Cannot start {program}.");
        process.OutputDataReceived += (_, e) => AppendLine(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => AppendLine(stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        string? stoppedBecause = null;
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            stoppedBecause = cancellationToken.IsCancellationRequested ? "cancelled" : $"killed after {timeout}";
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        // WaitForExitAsync also waits for the redirected streams to reach end of file, so the output is complete.
        return new NodeScriptResult(stoppedBecause is null ? process.ExitCode : -1, Read(stdout), Read(stderr), stoppedBecause);
    }

    private static void AppendLine(StringBuilder builder, string? line)
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

    private static string Read(StringBuilder builder)
    {
        lock (builder)
        {
            return builder.ToString();
        }
    }
}
