using System.Diagnostics;
using System.Net;
using System.Text;

namespace Platform.Testing;

/// <summary>
/// The probe functions host (tests/Platform.TestFunctions, built in the caller's configuration) as its own process on
/// a free loopback port, with settings as environment variables and command-line keys. It can be ended as a crash
/// (SIGKILL) or politely (SIGTERM, so the host drains, checkpoints and releases its shards); output is collected.
/// </summary>
public sealed class TestFunctionsProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private bool _disposed;

    private TestFunctionsProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int ProcessId => _process.Id;

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

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

    public bool HasExited => _process.HasExited;

    public static TestFunctionsProcess Start(string workingDirectory, IDictionary<string, string> environment, params string[] arguments)
    {
        var port = LoopbackPort.Free();
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add(AppDll());
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        psi.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
        {
            psi.Environment[key] = value;
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("Cannot start the test functions host.");
        var host = new TestFunctionsProcess(process, port);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    public async Task WaitUntilHealthyAsync(HttpClient client, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The test functions host exited with {_process.ExitCode}: {Output}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri(BaseAddress, "healthz"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The test functions host did not become healthy in {timeout}: {Output}");
    }

    /// <summary>Waits for the process to end; its exit code.</summary>
    /// <exception cref="TimeoutException">It is still running after <paramref name="timeout"/>.</exception>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The test functions host did not exit in {timeout}: {Output}");
        }

        _process.WaitForExit(); // lets the output readers drain
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as a service manager stops a host: the host drains, checkpoints and releases its shards.</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } })
            ?? throw new InvalidOperationException("Cannot run kill.");
        await kill.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static string AppDll()
    {
        // <project>/bin/<Configuration>/<tfm>/ of the test project → tests/Platform.TestFunctions/bin/<Configuration>/<tfm>/
        var callerBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var dll = Path.Combine(RepoPaths.Root, "tests", "Platform.TestFunctions", "bin", callerBin.Parent!.Name, callerBin.Name, "Platform.TestFunctions.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build tests/Platform.TestFunctions first.", dll);
    }
}
