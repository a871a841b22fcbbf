using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

using Platform.Testing;

namespace Platform.Functions.Tests;

/// <summary>
/// The platform's one port speaks HTTP/1.1 (boto3, the AWS CLI) and HTTP/2 with prior knowledge (the AWS SDK
/// for JavaScript v3), told apart by each connection's first bytes.
/// </summary>
public sealed class SinglePortProtocolsTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("platform-h2c-").FullName;
    private readonly HttpClient _http1 = new() { Timeout = TimeSpan.FromSeconds(10) };

    public void Dispose()
    {
        _http1.Dispose();
        Directory.Delete(_workingDirectory, recursive: true);
    }

    [Theory]
    [InlineData(HostBinding.UrlsArgument)]
    [InlineData(HostBinding.UrlsVariable)]
    [InlineData(HostBinding.PlatformHttpSettings)]
    public async Task One_port_serves_http1_and_h2c_prior_knowledge(HostBinding binding)
    {
        await using var host = await StartAsync(binding);
        using var http2 = Http2PriorKnowledgeClient();

        using var overHttp1 = await _http1.GetAsync(Healthz(host));
        using var overHttp2 = await http2.GetAsync(Healthz(host));

        Assert.Equal(HttpStatusCode.OK, overHttp1.StatusCode);
        Assert.Equal(HttpVersion.Version11, overHttp1.Version);
        Assert.Equal(HttpStatusCode.OK, overHttp2.StatusCode);
        Assert.Equal(HttpVersion.Version20, overHttp2.Version);
        Assert.Equal("Healthy", JsonDocument.Parse(await overHttp2.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Nodes_http2_module_gets_healthz_over_h2c_on_the_same_port()
    {
        await using var host = await StartAsync();

        // One session, several streams at once, as the AWS SDK for JavaScript v3 multiplexes its calls.
        const string Script = """
            const http2 = require('node:http2');
            const session = http2.connect(`http://127.0.0.1:${process.argv[1]}`);
            session.on('error', e => { console.error(e.message); process.exit(2); });
            const get = () => new Promise((resolve, reject) => {
              const req = session.request({ ':path': '/healthz' });
              let status = 0, body = '';
              req.setEncoding('utf8');
              req.on('response', headers => { status = headers[':status']; });
              req.on('data', chunk => { body += chunk; });
              req.on('end', () => resolve({ status, body: JSON.parse(body) }));
              req.on('error', reject);
              req.end();
            });
            Promise.all(Array.from({ length: 10 }, get)).then(results => {
              console.log(JSON.stringify({ alpn: session.alpnProtocol, results }));
              session.close();
            }, e => { console.error(e.message); process.exit(3); });
            """;
        var output = await RunNodeAsync(Script, host.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var report = JsonDocument.Parse(output).RootElement;
        Assert.Equal("h2c", report.GetProperty("alpn").GetString());
        var results = report.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(10, results.Count);
        Assert.All(results, r =>
        {
            Assert.Equal(200, r.GetProperty("status").GetInt32());
            Assert.Equal("Healthy", r.GetProperty("body").GetProperty("status").GetString());
        });
    }

    [Fact]
    public async Task Many_concurrent_requests_on_both_protocols_all_succeed()
    {
        await using var host = await StartAsync();
        var http2Clients = Enumerable.Range(0, 8).Select(_ => Http2PriorKnowledgeClient()).ToList();
        try
        {
            // 8 HTTP/2 connections with 25 streams each, and 200 HTTP/1.1 requests over as many connections
            // as the handler opens, all in flight together.
            var overHttp2 = http2Clients.SelectMany(client => Enumerable.Range(0, 25).Select(_ => GetVersionAsync(client, Healthz(host))));
            var overHttp1 = Enumerable.Range(0, 200).Select(_ => GetVersionAsync(_http1, Healthz(host)));

            var versions = await Task.WhenAll(overHttp2.Concat(overHttp1));

            Assert.Equal(200, versions.Count(v => v == HttpVersion.Version20));
            Assert.Equal(200, versions.Count(v => v == HttpVersion.Version11));
        }
        finally
        {
            http2Clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task A_client_that_sends_three_bytes_then_stalls_does_not_block_other_clients()
    {
        await using var host = await StartAsync();
        using var silent = await ConnectAsync(host);
        using var stalled = await ConnectAsync(host);
        await stalled.GetStream().WriteAsync(Preface.AsMemory(0, 3));
        using var http2 = Http2PriorKnowledgeClient();

        var others = Task.WhenAll(
            GetVersionAsync(_http1, Healthz(host)),
            GetVersionAsync(http2, Healthz(host)),
            GetVersionAsync(_http1, Healthz(host)),
            GetVersionAsync(http2, Healthz(host)));

        Assert.Same(others, await Task.WhenAny(others, Task.Delay(TimeSpan.FromSeconds(5))));
        Assert.Equal([HttpVersion.Version11, HttpVersion.Version20, HttpVersion.Version11, HttpVersion.Version20], await others);

        // The three bytes were held, not lost: the rest of the preface makes an HTTP/2 connection.
        await stalled.GetStream().WriteAsync(Preface.AsMemory(3));
        Assert.Equal(Http2FrameType.Settings, await ReadFrameTypeAsync(stalled));
    }

    [Fact]
    public async Task A_preface_that_arrives_byte_by_byte_still_selects_http2()
    {
        await using var host = await StartAsync();
        using var client = await ConnectAsync(host);
        var stream = client.GetStream();

        foreach (var b in Preface)
        {
            await stream.WriteAsync(new[] { b });
            await stream.FlushAsync();
            await Task.Delay(5);
        }

        Assert.Equal(Http2FrameType.Settings, await ReadFrameTypeAsync(client));
    }

    private async Task<HostProcess> StartAsync(HostBinding binding = HostBinding.UrlsArgument)
    {
        var host = HostProcess.Start(_workingDirectory, binding: binding);
        try
        {
            await host.WaitUntilHealthyAsync(_http1, StartTimeout);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    private static Uri Healthz(HostProcess host) => new(host.BaseAddress, "healthz");

    /// <summary>An http:// URI with an exact HTTP/2 request version is HTTP/2 by prior knowledge.</summary>
    private static HttpClient Http2PriorKnowledgeClient() =>
        new(new SocketsHttpHandler { EnableMultipleHttp2Connections = true })
        {
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(10),
        };

    private static async Task<Version> GetVersionAsync(HttpClient client, Uri uri)
    {
        using var response = await client.GetAsync(uri);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Version;
    }

    private static async Task<TcpClient> ConnectAsync(HostProcess host)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, host.Port);
        return client;
    }

    /// <summary>Reads the 9-byte header of the server's first HTTP/2 frame (RFC 9113, section 4.1).</summary>
    private static async Task<Http2FrameType> ReadFrameTypeAsync(TcpClient client)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var header = new byte[9];
        await client.GetStream().ReadExactlyAsync(header, timeout.Token);
        return (Http2FrameType)header[3];
    }

    private static async Task<string> RunNodeAsync(string script, string argument)
    {
        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-e");
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(argument);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("Cannot start node.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        Assert.True(process.ExitCode == 0, $"node exited with {process.ExitCode}: {await stderr}");
        return await stdout;
    }

    private enum Http2FrameType : byte
    {
        Settings = 0x4,
    }
}
