using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Platform.Testing;

namespace Platform.Functions.Tests.Video;

/// <summary>
/// The real host process (functions/) with its RTMP listener on a port this test chose, over a data folder the test
/// owns, and the Kinesis Video-style API calls the tests make against it.
/// </summary>
internal sealed class VideoHost : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private VideoHost(HostProcess process, int rtmpPort, HttpClient client, FakeWallClock? clock)
    {
        Process = process;
        RtmpPort = rtmpPort;
        Client = client;
        Clock = clock;
    }

    public HostProcess Process { get; }

    public int RtmpPort { get; }

    public HttpClient Client { get; }

    /// <summary>The host's wall clock when it runs on a faked one; null when it runs on the real clock.</summary>
    public FakeWallClock? Clock { get; }

    /// <summary>The host's current wall-clock time (its server timestamps are on this clock).</summary>
    public DateTimeOffset Now => Clock?.Now ?? DateTimeOffset.UtcNow;

    public string BaseUrl => Process.BaseAddress.ToString().TrimEnd('/');

    public string RtmpUrl(string stream) => $"rtmp://127.0.0.1:{RtmpPort}/live/{stream}";

    /// <summary>The same HTTP port on another address the host also listens on (see <see cref="StartAsync"/>).</summary>
    public string BaseUrlOn(IPAddress address) => $"http://{address}:{Process.Port}";

    /// <summary>Starts a host in <paramref name="workingDirectory"/> (its embedded data folder is <c>data/</c> there).</summary>
    /// <param name="workingDirectory">The host's working directory.</param>
    /// <param name="settings">Extra environment.</param>
    /// <param name="rtmpPort">The RTMP port (a free one when null).</param>
    /// <param name="webRtcAddress">
    /// A test network namespace's host end: WebRTC media binds to it and is announced there, and the HTTP port listens
    /// on it too, so a browser in the namespace loads pages and publishes over WHIP.
    /// </param>
    /// <param name="clock">A faked wall clock for the host process (libfaketime); null for the real one.</param>
    public static async Task<VideoHost> StartAsync(string workingDirectory, IDictionary<string, string>? settings = null, int? rtmpPort = null, IPAddress? webRtcAddress = null, FakeWallClock? clock = null)
    {
        var port = rtmpPort ?? LoopbackPort.Free();
        var environment = new Dictionary<string, string>();
        if (webRtcAddress is not null)
        {
            environment["Platform__Video__WebRtc__BindAddress"] = webRtcAddress.ToString();
            environment["Platform__Video__WebRtc__PublicAddresses__0"] = webRtcAddress.ToString();
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        foreach (var (key, value) in clock?.Environment() ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        environment["Platform__Video__Rtmp__Port"] = port.ToString(CultureInfo.InvariantCulture);
        var process = HostProcess.Start(workingDirectory, environment, alsoListenOn: webRtcAddress);
        var client = new HttpClient { BaseAddress = process.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
        var host = new VideoHost(process, port, client, clock);
        try
        {
            await process.WaitUntilHealthyAsync(client, StartTimeout);
            await host.WaitForRtmpAsync(TimeSpan.FromSeconds(20));
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    public async Task<JsonElement> PostAsync(string operation, object body)
    {
        using var response = await Client.PostAsync(new Uri(operation, UriKind.Relative), new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{operation} answered {(int)response.StatusCode}: {text}\nhost output:\n{Process.Output}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Every fragment of <paramref name="stream"/> stored between the two server times, following NextToken.</summary>
    public async Task<List<ListedFragment>> ListFragmentsAsync(string stream, DateTimeOffset from, DateTimeOffset to)
    {
        var fragments = new List<ListedFragment>();
        string? next = null;
        do
        {
            object body = next is null
                ? new
                {
                    StreamName = stream,
                    FragmentSelector = new
                    {
                        FragmentSelectorType = "SERVER_TIMESTAMP",
                        TimestampRange = new { StartTimestamp = Epoch(from), EndTimestamp = Epoch(to) },
                    },
                }
                : new { StreamName = stream, NextToken = next };
            var page = await PostAsync("listFragments", body);
            foreach (var f in page.GetProperty("Fragments").EnumerateArray())
            {
                fragments.Add(new ListedFragment(
                    f.GetProperty("FragmentNumber").GetString()!,
                    f.GetProperty("FragmentSizeInBytes").GetInt64(),
                    f.GetProperty("ServerTimestamp").GetDouble(),
                    f.GetProperty("FragmentLengthInMilliseconds").GetInt64()));
            }

            next = page.TryGetProperty("NextToken", out var token) && token.ValueKind == JsonValueKind.String ? token.GetString() : null;
        }
        while (next is not null);
        return fragments;
    }

    /// <summary>Waits until at least <paramref name="count"/> fragments are listed since <paramref name="from"/>.</summary>
    public async Task<List<ListedFragment>> WaitForFragmentsAsync(string stream, DateTimeOffset from, int count, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var listed = await TryListAsync(stream, from);
            if (listed.Count >= count)
            {
                return listed;
            }

            if (watch.Elapsed > timeout)
            {
                Assert.Fail($"{listed.Count} fragments of {stream} after {timeout}, wanted {count}.\nhost output:\n{Process.Output}");
            }

            await Task.Delay(250);
        }
    }

    public async Task<string> OnDemandSessionUrlAsync(string stream, DateTimeOffset from, DateTimeOffset to)
    {
        var session = await PostAsync("getHLSStreamingSessionURL", new
        {
            StreamName = stream,
            PlaybackMode = "ON_DEMAND",
            HLSFragmentSelector = new
            {
                FragmentSelectorType = "SERVER_TIMESTAMP",
                TimestampRange = new { StartTimestamp = Epoch(from), EndTimestamp = Epoch(to) },
            },
        });
        return session.GetProperty("HLSStreamingSessionURL").GetString()!;
    }

    /// <summary>The media playlist's init segment URI and fragment URIs, absolute, from a master or media playlist URL.</summary>
    public async Task<(Uri Init, List<Uri> Fragments)> MediaPlaylistAsync(Uri playlist)
    {
        var text = await Client.GetStringAsync(playlist);
        if (text.Contains("#EXT-X-STREAM-INF", StringComparison.Ordinal))
        {
            var media = text.Split('\n').Select(l => l.Trim()).First(l => l.Length > 0 && !l.StartsWith('#'));
            return await MediaPlaylistAsync(new Uri(playlist, media));
        }

        Uri? init = null;
        var fragments = new List<Uri>();
        foreach (var line in text.Split('\n').Select(l => l.Trim()))
        {
            if (line.StartsWith("#EXT-X-MAP:URI=\"", StringComparison.Ordinal))
            {
                var uri = line["#EXT-X-MAP:URI=\"".Length..];
                init ??= new Uri(playlist, uri[..uri.IndexOf('"', StringComparison.Ordinal)]);
            }
            else if (line.Length > 0 && !line.StartsWith('#'))
            {
                fragments.Add(new Uri(playlist, line));
            }
        }

        Assert.True(init is not null, $"no EXT-X-MAP in {playlist}:\n{text}");
        return (init!, fragments);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Process.DisposeAsync();
    }

    public static double Epoch(DateTimeOffset time) => time.ToUnixTimeMilliseconds() / 1000.0;

    private async Task<List<ListedFragment>> TryListAsync(string stream, DateTimeOffset from)
    {
        // Before the first publish reaches the host the stream does not exist yet (auto-create): nothing listed.
        using var response = await Client.PostAsync(new Uri("listFragments", UriKind.Relative), new StringContent(JsonSerializer.Serialize(new
        {
            StreamName = stream,
            FragmentSelector = new
            {
                FragmentSelectorType = "SERVER_TIMESTAMP",
                TimestampRange = new { StartTimestamp = Epoch(from), EndTimestamp = Epoch(Now.AddMinutes(1)) },
            },
        }), Encoding.UTF8, "application/json"));
        return response.StatusCode == HttpStatusCode.OK ? await ListFragmentsAsync(stream, from, Now.AddMinutes(1)) : [];
    }

    private async Task WaitForRtmpAsync(TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, RtmpPort);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"RTMP port {RtmpPort} not listening after {timeout}: {Process.Output}");
    }
}

/// <summary>One fragment as ListFragments answers it.</summary>
internal sealed record ListedFragment(string Number, long Size, double ServerTimestamp, long LengthMilliseconds);
