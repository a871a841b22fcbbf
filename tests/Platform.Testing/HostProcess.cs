using System.Diagnostics;
using System.Net;
using System.Text;

namespace Platform.Testing;

/// <summary>
/// The platform host (functions/, built in the same configuration as the caller) started as its own
/// process on a free loopback port; its output is collected, and disposing kills its process tree.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private HostProcess(Process process, int port, string workingDirectory)
    {
        _process = process;
        Port = port;
        WorkingDirectory = workingDirectory;
    }

    public int Port { get; }

    public string WorkingDirectory { get; }

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

    /// <summary>The host's process id (benchmarks read its CPU time and memory from /proc).</summary>
    public int ProcessId => _process.Id;

    public int ExitCode => _process.ExitCode;

    public static HostProcess Start(string workingDirectory, IDictionary<string, string>? environment = null, HostBinding binding = HostBinding.UrlsArgument)
    {
        var port = LoopbackPort.Free();
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add(FunctionsDll());
        psi.Environment["DOTNET_ENVIRONMENT"] = "Production";

        // Media listeners on free loopback ports, so hosts started side by side never fight over 1935 or 8189.
        psi.Environment["Platform__Video__Rtmp__Port"] = "0";
        psi.Environment["Platform__Video__Rtmp__BindAddress"] = "127.0.0.1";
        switch (binding)
        {
            case HostBinding.UrlsArgument:
                psi.ArgumentList.Add("--urls");
                psi.ArgumentList.Add($"http://127.0.0.1:{port}");
                break;
            case HostBinding.UrlsVariable:
                psi.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
                break;
            case HostBinding.PlatformHttpSettings:
                psi.Environment["Platform__Http__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
                psi.Environment["Platform__Http__BindAddress"] = "127.0.0.1";
                break;
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("Cannot start the host.");
        var host = new HostProcess(process, port, workingDirectory);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    public async Task WaitUntilHealthyAsync(HttpClient client, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Host exited with {_process.ExitCode}: {Output}");
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

        throw new TimeoutException($"Host did not become healthy in {timeout}: {Output}");
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        await Task.Delay(100); // let the output readers drain
        return _process.ExitCode;
    }

    /// <summary>
    /// Ends the host as a crash would: SIGKILL to its process id, so no shutdown code runs. Its output stays
    /// readable; disposing afterwards only releases the process handle.
    /// </summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
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

    private static string FunctionsDll()
    {
        // <project>/bin/<Configuration>/<tfm>/ of whichever test or tool project runs this → functions/bin/<Configuration>/<tfm>/
        var callerBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = callerBin.Parent!.Name;
        var dll = Path.Combine(RepoPaths.Root, "functions", "bin", configuration, callerBin.Name, "Platform.Functions.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build functions/ first.", dll);
    }

}

/// <summary>How a <see cref="HostProcess"/> is told its loopback port.</summary>
public enum HostBinding
{
    /// <summary>The <c>urls</c> option on the command line, as <c>http://127.0.0.1:port</c>.</summary>
    UrlsArgument,

    /// <summary>The <c>ASPNETCORE_URLS</c> environment variable.</summary>
    UrlsVariable,

    /// <summary>The platform's own <c>Platform:Http:Port</c> and <c>BindAddress</c> settings.</summary>
    PlatformHttpSettings,
}
