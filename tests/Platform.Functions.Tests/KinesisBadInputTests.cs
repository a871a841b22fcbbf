using System.Net;
using System.Text;
using System.Text.Json;
using Platform.Testing;

namespace Platform.Functions.Tests;

/// <summary>Malformed Kinesis requests get AWS error answers that name the problem; the host keeps serving.</summary>
public sealed class KinesisBadInputTests : IAsyncLifetime
{
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(30) };
    private EmbeddedHost? _host;

    public async Task InitializeAsync() => _host = await EmbeddedHost.StartAsync("platform-kinesis-bad-");

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _client.Dispose();
    }

    private async Task<(HttpStatusCode Status, string Type, string Message)> SendAsync(string? target, HttpContent content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _host!.Process.BaseAddress) { Content = content };
        if (target is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        }

        using var response = await _client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        return (response.StatusCode, json.RootElement.GetProperty("__type").GetString()!, json.RootElement.GetProperty("message").GetString()!);
    }

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/x-amz-json-1.1");

    [Theory]
    [InlineData(null, "{}", "UnknownOperationException", "X-Amz-Target")]
    [InlineData("Kinesis_20131202.NoSuchThing", "{}", "UnknownOperationException", "NoSuchThing")]
    [InlineData("Kinesis_20131202.CreateStream", "{not json", "SerializationException", "CreateStream")]
    [InlineData("Kinesis_20131202.CreateStream", "{\"StreamName\":\"x\",\"ShardCount\":\"two\"}", "SerializationException", "CreateStream")]
    [InlineData("Kinesis_20131202.CreateStream", "", "SerializationException", "empty")]
    [InlineData("Kinesis_20131202.CreateStream", "{\"StreamName\":\"bad name!\",\"ShardCount\":1}", "ValidationException", "streamName")]
    [InlineData("Kinesis_20131202.CreateStream", "{\"StreamName\":\"x\",\"ShardCount\":100000}", "LimitExceededException", "shard")]
    [InlineData("Kinesis_20131202.GetShardIterator", "{\"StreamName\":\"nope\",\"ShardId\":\"shardId-000000000000\",\"ShardIteratorType\":\"AT_TIMESTAMP\",\"Timestamp\":1e300}", "SerializationException", "timestamp")]
    [InlineData("Kinesis_20131202.GetRecords", "{\"ShardIterator\":\"AAAA\"}", "InvalidArgumentException", "ShardIterator")]
    [InlineData("Kinesis_20131202.GetRecords", "{\"ShardIterator\":\"x\",\"Limit\":0}", "ValidationException", "limit")]
    [InlineData("Kinesis_20131202.PutRecord", "{\"StreamName\":\"nope\",\"PartitionKey\":\"k\",\"Data\":\"not base64!\"}", "SerializationException", "PutRecord")]
    [InlineData("Kinesis_20131202.ListShards", "{\"StreamName\":\"a\",\"NextToken\":\"b\"}", "InvalidArgumentException", "NextToken")]
    public async Task MalformedRequests_GetAnAwsErrorNamingTheProblem(string? target, string body, string type, string mentions)
    {
        var (status, errorType, message) = await SendAsync(target, Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(type, errorType);
        Assert.Contains(mentions, message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ABodyThatEndsBeforeItsDeclaredLength_IsRefused_NotWaitedForForever()
    {
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, _host!.Process.Port);
        var stream = socket.GetStream();
        var head = $"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: Kinesis_20131202.PutRecords\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 1000000\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(Encoding.ASCII.GetBytes("{\"StreamName\":\"s\",\"Records\":[" + new string(' ', 5000)));
        socket.Client.Shutdown(System.Net.Sockets.SocketShutdown.Send); // 5 KB of the million promised, then nothing

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var answer = new List<byte>();
        var buffer = new byte[4096];
        int read;
        while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
        {
            answer.AddRange(buffer.AsSpan(0, read));
        }

        // Kestrel ends the exchange: a 400, or (the client having closed its side) just the connection; never a wait.
        var text = Encoding.ASCII.GetString([.. answer]);
        Assert.True(text.Length == 0 || text.StartsWith("HTTP/1.1 400", StringComparison.Ordinal), text);
        var (after, type, _) = await SendAsync("Kinesis_20131202.DescribeStream", Json("{\"StreamName\":\"nope\"}"));
        Assert.Equal((HttpStatusCode.BadRequest, "ResourceNotFoundException"), (after, type));
    }

    [Fact]
    public async Task AFullSizePutRecordsBody_ReadInPieces_StoresEveryRecordIntact()
    {
        // 500 records of 9,000 bytes: a 6 MB body, read in many pieces; every record must come back byte for byte.
        var stream = "pieces" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("CreateStream", new { StreamName = stream, ShardCount = 1 })).Status);
        await WaitUntilActiveAsync(stream);
        var records = Enumerable.Range(0, 500).Select(i => Enumerable.Range(0, 9000).Select(j => (byte)((i * 31) + (j * 7))).ToArray()).ToList();
        var (putStatus, put) = await PostAsync("PutRecords", new
        {
            StreamName = stream,
            Records = records.Select((data, i) => new { Data = Convert.ToBase64String(data), PartitionKey = $"k{i}" }),
        });
        Assert.Equal(HttpStatusCode.OK, putStatus);
        Assert.Equal(0, put.GetProperty("FailedRecordCount").GetInt32());

        var (_, start) = await PostAsync("GetShardIterator", new { StreamName = stream, ShardId = "shardId-000000000000", ShardIteratorType = "TRIM_HORIZON" });
        var iterator = start.GetProperty("ShardIterator").GetString();
        var back = new List<byte[]>();
        for (var calls = 0; back.Count < records.Count && calls < 50; calls++)
        {
            var (_, got) = await PostAsync("GetRecords", new { ShardIterator = iterator });
            back.AddRange(got.GetProperty("Records").EnumerateArray().Select(r => r.GetProperty("Data").GetBytesFromBase64()));
            iterator = got.GetProperty("NextShardIterator").GetString();
        }

        Assert.Equal(records.Count, back.Count);
        Assert.All(records.Zip(back), pair => Assert.True(pair.First.AsSpan().SequenceEqual(pair.Second)));
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string operation, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _host!.Process.BaseAddress) { Content = Json(JsonSerializer.Serialize(body)) };
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "Kinesis_20131202." + operation);
        using var response = await _client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private async Task WaitUntilActiveAsync(string stream)
    {
        for (var i = 0; i < 100; i++)
        {
            var (_, described) = await PostAsync("DescribeStreamSummary", new { StreamName = stream });
            if (described.GetProperty("StreamDescriptionSummary").GetProperty("StreamStatus").GetString() == "ACTIVE")
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"{stream} did not become ACTIVE");
    }

    [Fact]
    public async Task ABodyOverSixteenMebibytes_IsRefusedWith413_AndTheHostStillServes()
    {
        var (status, errorType, _) = await SendAsync("Kinesis_20131202.PutRecords", new ByteArrayContent(new byte[17 * 1024 * 1024]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("ValidationException", errorType);
        var (after, type, _) = await SendAsync("Kinesis_20131202.DescribeStream", Json("{\"StreamName\":\"nope\"}"));
        Assert.Equal((HttpStatusCode.BadRequest, "ResourceNotFoundException"), (after, type));
    }
}
