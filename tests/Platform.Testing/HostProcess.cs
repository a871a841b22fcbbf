using System.Diagnostics;
using System.Net;
using System.Text;

namespace Platform.Testing;

/// <summary>
/// A platform app (functions/ by default, or another app such as tests/Platform.TestFunctions, built in the same
/// configuration as the caller) started as its own process on a free loopback port; its output is collected. It can
/// be ended as a crash (SIGKILL) or politely (SIGTERM); disposing kills its process tree if it still runs.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private bool _disposed;

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

    /// <summary>Starts functions/ on a free loopback port.</summary>
    /// <param name="workingDirectory">Its working directory (the embedded data folder is <c>data/</c> there).</param>
    /// <param name="environment">Extra environment, applied last (it wins over the defaults set here).</param>
    /// <param name="binding">How the port is passed.</param>
    /// <param name="alsoListenOn">
    /// Another address (a test network namespace's host end) on which the same HTTP port also listens, so a browser
    /// inside the namespace reaches the host; only with <see cref="HostBinding.UrlsArgument"/> or <see cref="HostBinding.UrlsVariable"/>.
    /// </param>
    public static HostProcess Start(string workingDirectory, IDictionary<string, string>? environment = null, HostBinding binding = HostBinding.UrlsArgument, IPAddress? alsoListenOn = null) =>
        StartApp(AppDll("functions", "Platform.Functions"), workingDirectory, environment, binding, [], alsoListenOn);

    /// <summary>Starts the app built from <c>{projectFolder}/{assemblyName}.dll</c> with extra command-line arguments.</summary>
    /// <param name="appDll">The app's dll.</param>
    /// <param name="workingDirectory">Its working directory.</param>
    /// <param name="environment">Extra environment, applied last.</param>
    /// <param name="binding">How the port is passed.</param>
    /// <param name="arguments">Extra command-line arguments.</param>
    /// <param name="alsoListenOn">Another address the same HTTP port also listens on (see <see cref="Start"/>).</param>
    public static HostProcess StartApp(string appDll, string workingDirectory, IDictionary<string, string>? environment, HostBinding binding, IReadOnlyList<string> arguments, IPAddress? alsoListenOn = null)
    {
        if (alsoListenOn is not null && binding == HostBinding.PlatformHttpSettings)
        {
            throw new ArgumentException("A second listen address needs the urls option or ASPNETCORE_URLS.", nameof(alsoListenOn));
        }

        var port = LoopbackPort.Free();
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add(appDll);
        psi.Environment["DOTNET_ENVIRONMENT"] = "Production";

        // Media listeners on free loopback ports, so hosts started side by side never fight over 1935 or 8189.
        psi.Environment["Platform__Video__Rtmp__Port"] = "0";
        psi.Environment["Platform__Video__Rtmp__BindAddress"] = "127.0.0.1";
        psi.Environment["Platform__Video__WebRtc__Port"] = "0";
        psi.Environment["Platform__Video__WebRtc__BindAddress"] = "127.0.0.1";
        var urls = alsoListenOn is null ? $"http://127.0.0.1:{port}" : $"http://127.0.0.1:{port};http://{alsoListenOn}:{port}";
        switch (binding)
        {
            case HostBinding.UrlsArgument:
                psi.ArgumentList.Add("--urls");
                psi.ArgumentList.Add(urls);
                break;
            case HostBinding.UrlsVariable:
                psi.Environment["ASPNETCORE_URLS"] = urls;
                break;
            case HostBinding.PlatformHttpSettings:
                psi.Environment["Platform__Http__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
                psi.Environment["Platform__Http__BindAddress"] = "127.0.0.1";
                break;
        }

        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
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
            throw new TimeoutException($"The host did not exit in {timeout}: {Output}");
        }

        _process.WaitForExit(); // lets the output readers drain
        return _process.ExitCode;
    }

    /// <summary>SIGTERM, as a service manager stops a host: it drains, checkpoints and releases its shards.</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } })
            ?? throw new InvalidOperationException("Cannot run kill.");
        await kill.WaitForExitAsync();
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

    /// <summary>An app's dll in the caller's configuration: <c>{projectFolder}/bin/{Configuration}/{tfm}/{assemblyName}.dll</c>.</summary>
    public static string AppDll(string projectFolder, string assemblyName)
    {
        // <project>/bin/<Configuration>/<tfm>/ of whichever test or tool project runs this.
        var callerBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var dll = Path.Combine(RepoPaths.Root, projectFolder, "bin", callerBin.Parent!.Name, callerBin.Name, assemblyName + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build {projectFolder}/ first.", dll);
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
