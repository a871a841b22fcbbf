using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Platform.Testing;

/// <summary>
/// Headless Chromium (the Debian package) inside a test network namespace, on the host's publisher page
/// (<c>/player/publish.html?stream=…</c>), publishing its fake camera and microphone over WHIP. The page's console
/// lines <c>whip-publish EVENT UNIX-MS DETAIL</c> are collected from Chromium's stderr; disposing kills it by id.
/// </summary>
public sealed class ChromiumPublisher : IAsyncDisposable
{
    private const string Marker = "\"whip-publish ";
    private readonly Process _process;
    private readonly DirectoryInfo _profile;
    private readonly List<PublisherEvent> _events = [];
    private readonly StringBuilder _log = new();

    private ChromiumPublisher(Process process, DirectoryInfo profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>Chromium's browser process id (its renderers and GPU/utility processes are its descendants).</summary>
    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The page's lines so far, for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public IReadOnlyList<PublisherEvent> Events
    {
        get
        {
            lock (_log)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Starts Chromium in <paramref name="ns"/> on <paramref name="pageUrl"/>, an http URL on the namespace's host address.</summary>
    /// <param name="ns">The namespace Chromium runs in (it gathers no ICE candidate on loopback).</param>
    /// <param name="pageUrl">The publisher page with its query, e.g. <c>http://10.1.2.1:PORT/player/publish.html?stream=cam1</c>.</param>
    /// <param name="fakeCaptureFps">The fake camera's frame rate (Chromium's default is 20).</param>
    public static ChromiumPublisher Start(TestNetworkNamespace ns, string pageUrl, int fakeCaptureFps = 30)
    {
        ArgumentNullException.ThrowIfNull(ns);
        if (!File.Exists("/usr/bin/chromium"))
        {
            throw new InvalidOperationException("Chromium is not installed at /usr/bin/chromium; install the Debian package chromium.");
        }

        var origin = new Uri(pageUrl).GetLeftPart(UriPartial.Authority);
        var profile = Directory.CreateTempSubdirectory("whip-publisher-");
        var start = ns.StartInfo("/usr/bin/chromium",
        [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile.FullName,
            "--use-fake-device-for-media-stream=fps=" + fakeCaptureFps.ToString(CultureInfo.InvariantCulture), "--use-fake-ui-for-media-stream",
            "--disable-features=WebRtcHideLocalIpsWithMdns",

            // getUserMedia needs a secure context; the host's namespace address is plain http.
            "--unsafely-treat-insecure-origin-as-secure=" + origin,
            "--enable-logging=stderr", "--v=0", pageUrl,
        ]);
        var process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start Chromium.");
        var publisher = new ChromiumPublisher(process, profile);
        process.ErrorDataReceived += (_, e) => publisher.OnLine(e.Data);
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return publisher;
    }

    /// <summary>Waits for the page to report <paramref name="name"/> (e.g. <c>publishing</c>); fails at once if it reports <c>failed</c>.</summary>
    /// <param name="name">The event.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The event, with the page's clock (Unix milliseconds) when it happened.</returns>
    public async Task<PublisherEvent> WaitForAsync(string name, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var events = Events;
            if (events.FirstOrDefault(e => e.Name == name) is { } found)
            {
                return found;
            }

            if (events.FirstOrDefault(e => e.Name == "failed") is { } failed)
            {
                throw new InvalidOperationException($"The publisher page failed: {failed.Detail}\n{Log}");
            }

            if (watch.Elapsed > timeout || _process.HasExited)
            {
                throw new TimeoutException($"The publisher page did not report '{name}' in {timeout} (Chromium {(_process.HasExited ? "exited" : "runs")}):\n{Log}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            _profile.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Chromium's last writes may still be landing; the temp folder is left behind then.
        }
    }

    private void OnLine(string? line)
    {
        // Chromium logs console messages as: [..:INFO:CONSOLE(LINE)] "MESSAGE", source: URL (LINE)
        var at = line?.IndexOf(Marker, StringComparison.Ordinal) ?? -1;
        if (at < 0)
        {
            return;
        }

        var end = line!.LastIndexOf("\", source:", StringComparison.Ordinal);
        var message = line[(at + Marker.Length)..(end > at ? end : line.Length)];
        var parts = message.Split(' ', 3);
        if (parts.Length < 2 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var unixMs))
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(message);
            _events.Add(new PublisherEvent(parts[0], DateTimeOffset.FromUnixTimeMilliseconds(unixMs), parts.Length > 2 ? parts[2] : string.Empty));
        }
    }
}
