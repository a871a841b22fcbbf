using System.Net;
using System.Text;
using System.Text.Json;
using Platform.Testing;

namespace Platform.Functions.Tests;

/// <summary>Malformed Kinesis requests get AWS error answers that name the problem; the host keeps serving.</summary>
public sealed class KinesisBadInputTests : IAsyncLifetime
{
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("platform-kinesis-bad-").FullName;
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(30) };
    private HostProcess? _host;

    public async Task InitializeAsync()
    {
        _host = HostProcess.Start(_workingDirectory, new Dictionary<string, string>
        {
            ["Platform__Storage__Backend"] = "Embedded",
            ["Platform__Storage__DataPath"] = Path.Combine(_workingDirectory, "data"),
        });
        await _host.WaitUntilHealthyAsync(_client, TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _client.Dispose();
        Directory.Delete(_workingDirectory, recursive: true);
    }

    private async Task<(HttpStatusCode Status, string Type, string Message)> SendAsync(string? target, HttpContent content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _host!.BaseAddress) { Content = content };
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
    public async Task ABodyOverSixteenMebibytes_IsRefusedWith413_AndTheHostStillServes()
    {
        var (status, errorType, _) = await SendAsync("Kinesis_20131202.PutRecords", new ByteArrayContent(new byte[17 * 1024 * 1024]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("ValidationException", errorType);
        var (after, type, _) = await SendAsync("Kinesis_20131202.DescribeStream", Json("{\"StreamName\":\"nope\"}"));
        Assert.Equal((HttpStatusCode.BadRequest, "ResourceNotFoundException"), (after, type));
    }
}
