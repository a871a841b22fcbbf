using System.Net;
using System.Text;
using Platform.Streams.Client;
using Platform.Streams.Client.Auth;
using Platform.Streams.Client.Model;
using Platform.Testing;

namespace Platform.Functions.Tests;

/// <summary>The sample app's functions report Lambda-style metrics at /metrics and over OTLP when configured.</summary>
public sealed class FunctionMetricsTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("platform-metrics-").FullName;
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(10) };

    public void Dispose()
    {
        _client.Dispose();
        Directory.Delete(_workingDirectory, recursive: true);
    }

    [Fact]
    public async Task InvokedFunctions_ShowTheirInvocationsAndIteratorAgeAtMetrics_AndAreExportedOverOtlp()
    {
        var otlpPort = LoopbackPort.Free();
        using var receiver = new HttpListener();
        receiver.Prefixes.Add($"http://127.0.0.1:{otlpPort}/");
        receiver.Start();
        var exported = ReceiveOneAsync(receiver);

        await using var host = HostProcess.Start(_workingDirectory, new Dictionary<string, string>
        {
            ["Platform__Telemetry__OtlpEndpoint"] = $"http://127.0.0.1:{otlpPort}",
            ["Platform__Telemetry__ExportIntervalMilliseconds"] = "500",
        });
        await host.WaitUntilHealthyAsync(_client, StartTimeout);
        var kinesis = new KinesisClient(_client, host.BaseAddress, new AwsCredentials("test", "test"));
        await kinesis.CreateStreamAsync(new CreateStreamRequest { StreamName = "clickstream", ShardCount = 1 });
        await kinesis.PutRecordAsync(new PutRecordRequest
        {
            StreamName = "clickstream",
            PartitionKey = "s1",
            Data = Encoding.UTF8.GetBytes("{\"sessionId\":\"s1\",\"page\":\"/\",\"type\":\"page_view\",\"time\":\"2026-11-30T00:00:00Z\"}"),
        });

        string metrics = string.Empty;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        // The iterator age is recorded once the batch is finished, a moment after the invocation is counted.
        while (!metrics.Contains("platform_functions_iterator_age_ms_count{function=\"CountPageViews\"} 1", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            metrics = await _client.GetStringAsync(new Uri(host.BaseAddress, "metrics"));
        }

        Assert.Contains("platform_functions_invocations_total{function=\"CountPageViews\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("platform_functions_records_processed_total{function=\"CountPageViews\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("platform_functions_iterator_age_ms_count{function=\"CountPageViews\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("# TYPE platform_functions_duration_ms summary", metrics, StringComparison.Ordinal);

        var (path, contentType, length) = await exported.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("/v1/metrics", path);
        Assert.Equal("application/x-protobuf", contentType);
        Assert.True(length > 0);
    }

    private static async Task<(string Path, string? ContentType, long Length)> ReceiveOneAsync(HttpListener listener)
    {
        var context = await listener.GetContextAsync();
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body);
        var result = (context.Request.Url!.AbsolutePath, context.Request.ContentType, body.Length);
        context.Response.StatusCode = 200;
        context.Response.Close();
        return result;
    }
}
