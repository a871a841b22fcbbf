using System.Globalization;
using System.Text;
using System.Text.Json;
using Platform.Testing;

namespace Platform.Benchmarks.WebRtc;

/// <summary>Shared pieces of the WHIP runs: the host process reachable from a namespace, publishers, ListFragments.</summary>
internal static class WhipBench
{
    /// <summary>The publisher page at 720p30, keeping the resolution when Chromium's bandwidth estimate is low.</summary>
    public static string PageUrl(string baseUrl, string stream, int statsSeconds = 0) =>
        $"{baseUrl}/player/publish.html?stream={stream}&width=1280&height=720&fps=30&degradation=maintain-resolution" +
        (statsSeconds > 0 ? $"&stats={statsSeconds}" : string.Empty);

    /// <summary>A host process over a fresh temp folder, its HTTP port and WebRTC media also on the namespace's host address.</summary>
    public static async Task<(HostProcess Host, string Folder, string NamespaceBaseUrl)> StartHostAsync(
        TestNetworkNamespace ns, HttpClient client, IDictionary<string, string>? settings = null)
    {
        var folder = Directory.CreateTempSubdirectory("bench-webrtc-host-").FullName;
        var environment = new Dictionary<string, string>
        {
            ["Platform__Video__WebRtc__BindAddress"] = ns.HostAddress.ToString(),
            ["Platform__Video__WebRtc__PublicAddresses__0"] = ns.HostAddress.ToString(),
            ["Platform__Video__WebRtc__SessionTimeout"] = "00:00:05",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Platform.Video.Ingest.WebRtc"] = "Information",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var host = HostProcess.Start(folder, environment, alsoListenOn: ns.HostAddress);
        await host.WaitUntilHealthyAsync(client, TimeSpan.FromSeconds(90));
        return (host, folder, $"http://{ns.HostAddress}:{host.Port}");
    }

    /// <summary>Every fragment of a stream stored in the last hour (empty while the stream does not exist yet).</summary>
    public static async Task<List<Fragment>> ListFragmentsAsync(HttpClient client, Uri host, string stream, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var body = JsonSerializer.Serialize(new
        {
            StreamName = stream,
            MaxResults = 1000,
            FragmentSelector = new { FragmentSelectorType = "SERVER_TIMESTAMP", TimestampRange = new { StartTimestamp = now - 3600, EndTimestamp = now + 60 } },
        });
        using var response = await client.PostAsync(new Uri(host, "listFragments"), new StringContent(body, Encoding.UTF8, "application/json"), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return [];
        }

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return [.. json.RootElement.GetProperty("Fragments").EnumerateArray().Select(f => new Fragment(
            long.Parse(f.GetProperty("FragmentNumber").GetString()!, CultureInfo.InvariantCulture),
            f.GetProperty("FragmentSizeInBytes").GetInt64(),
            FromEpoch(f.GetProperty("ProducerTimestamp").GetDouble()),
            FromEpoch(f.GetProperty("ServerTimestamp").GetDouble()),
            f.GetProperty("FragmentLengthInMilliseconds").GetInt64())).OrderBy(f => f.Number)];
    }

    /// <summary>The page's last video sender statistics before <paramref name="at"/> (null when none).</summary>
    public static SenderStats? StatsAt(ChromiumPublisher publisher, DateTimeOffset at) =>
        publisher.Events.Where(e => e.Name == "stats" && e.At <= at).Select(SenderStats.Parse).LastOrDefault(s => s is not null);

    public static string F(double value, string format = "0.00") => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>Nearest-rank percentile.</summary>
    public static double Percentile(IReadOnlyCollection<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    public static void DeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static DateTimeOffset FromEpoch(double seconds) => DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
}

/// <summary>One fragment as ListFragments answers it.</summary>
internal sealed record Fragment(long Number, long Size, DateTimeOffset Producer, DateTimeOffset Server, long LengthMilliseconds);

/// <summary>Chromium's outbound-rtp statistics (video, plus audio packets) as the publisher page logged them.</summary>
internal sealed record SenderStats(DateTimeOffset At, long VideoPackets, long AudioPackets, long VideoBytes, long FramesEncoded, int Width, int Height, long NackCount, long Retransmitted, string Encoder)
{
    public static SenderStats? Parse(PublisherEvent e)
    {
        try
        {
            using var json = JsonDocument.Parse(e.Detail);
            if (!json.RootElement.TryGetProperty("video", out var v))
            {
                return null;
            }

            long Long(JsonElement o, string name) => o.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt64() : 0;
            var audio = json.RootElement.TryGetProperty("audio", out var a) ? Long(a, "packetsSent") : 0;
            return new SenderStats(
                e.At, Long(v, "packetsSent"), audio, Long(v, "bytesSent"), Long(v, "framesEncoded"), (int)Long(v, "frameWidth"), (int)Long(v, "frameHeight"),
                Long(v, "nackCount"), Long(v, "retransmittedPacketsSent"), v.TryGetProperty("encoderImplementation", out var enc) ? enc.GetString() ?? "?" : "?");
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
