using System.Net;
using System.Text;
using System.Text.Json;
using Platform.Streams.Api.Auth;
using Platform.Streams.Client.Auth;
using Platform.Streams.Client.Model;
using Platform.Streams.Client.Protocol;
using Platform.Streams.Client.Tests.Infrastructure;

namespace Platform.Streams.Client.Tests.Client;

/// <summary>The wire format and error mapping, against canned responses.</summary>
public sealed class KinesisProtocolTests
{
    private static readonly AwsCredentials Credentials = new("AKIDWIRE", "wire-secret");

    [Fact]
    public async Task EveryRequest_IsASignedJsonPost_ThatTheServerVerifierAccepts()
    {
        var stub = new StubHandler((_, _) => StubHandler.Json(HttpStatusCode.OK, """{"ShardId":"shardId-000000000000","SequenceNumber":"1"}"""));
        using var http = new HttpClient(stub);
        var client = new KinesisClient(http, new Uri("http://127.0.0.1:4566/"), Credentials, "eu-west-1");

        await client.PutRecordAsync(new PutRecordRequest { StreamName = "orders", PartitionKey = "k", Data = new byte[] { 1, 2, 3 } });

        var (request, body) = Assert.Single(stub.Sent);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("/", request.RequestUri!.AbsolutePath);
        Assert.Equal("Kinesis_20131202.PutRecord", request.Headers.GetValues("X-Amz-Target").Single());
        Assert.Equal("application/x-amz-json-1.1", request.Content!.Headers.ContentType!.ToString());
        Assert.Equal("""{"StreamName":"orders","Data":"AQID","PartitionKey":"k"}""", Encoding.UTF8.GetString(body));
        Assert.Contains("/eu-west-1/kinesis/aws4_request", request.Headers.Authorization!.Parameter, StringComparison.Ordinal);

        var verifier = new SigV4Verifier(new Dictionary<string, string> { ["AKIDWIRE"] = "wire-secret" }, TimeProvider.System,
            new SigV4VerifierOptions { Region = "eu-west-1", Service = "kinesis" });
        var result = verifier.Verify(AspNetRequests.From(request, body), body);
        Assert.True(result.IsOk, result.ToString());
    }

    [Theory]
    [InlineData("""{"__type":"com.amazonaws.kinesis.v20131202#ResourceNotFoundException","message":"Stream x not found"}""", "ResourceNotFoundException", "Stream x not found")]
    [InlineData("""{"__type":"ResourceInUseException","Message":"busy"}""", "ResourceInUseException", "busy")]
    [InlineData("""{"message":"no type in the body"}""", "Http400", "no type in the body")]
    public async Task ErrorBodies_GiveTheBareErrorTypeAndMessage(string body, string type, string message)
    {
        var error = await FailWith(StubHandler.Json(HttpStatusCode.BadRequest, body));

        Assert.Equal(type, error.ErrorType);
        Assert.Equal(message, error.Message);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public async Task TheErrorTypeHeader_IsUsed_WhenTheBodyHasNone()
    {
        var response = new HttpResponseMessage(HttpStatusCode.Forbidden) { Content = new StringContent("<AccessDeniedException/>") };
        response.Headers.TryAddWithoutValidation("x-amzn-ErrorType", "AccessDeniedException:http://internal.amazon.com/coral/");
        response.Headers.TryAddWithoutValidation("x-amzn-RequestId", "req-1");

        var error = await FailWith(response);

        Assert.Equal("AccessDeniedException", error.ErrorType);
        Assert.Equal("<AccessDeniedException/>", error.Message);
        Assert.Equal("req-1", error.RequestId);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "ProvisionedThroughputExceededException", true, true)]
    [InlineData(HttpStatusCode.BadRequest, "LimitExceededException", true, true)]
    [InlineData(HttpStatusCode.InternalServerError, "InternalFailure", true, false)]
    [InlineData(HttpStatusCode.ServiceUnavailable, "SomethingNew", true, false)]
    [InlineData(HttpStatusCode.BadRequest, "InvalidArgumentException", false, false)]
    [InlineData(HttpStatusCode.BadRequest, "ExpiredIteratorException", false, false)]
    public async Task Errors_AreTransientOnlyWhenARetryCanSucceed(HttpStatusCode status, string type, bool transient, bool throttling)
    {
        var error = await FailWith(StubHandler.Json(status, $$"""{"__type":"{{type}}","message":"m"}"""));

        Assert.Equal(transient, error.IsTransient);
        Assert.Equal(throttling, error.IsThrottling);
    }

    [Fact]
    public async Task ASuccessWithABodyThatIsNotTheResponse_IsAnInvalidResponseError()
    {
        var error = await FailWith(StubHandler.Json(HttpStatusCode.OK, "<html>proxy</html>"));

        Assert.Equal(KinesisErrorTypes.InvalidResponse, error.ErrorType);
        Assert.IsType<JsonException>(error.InnerException, exactMatch: false);
    }

    [Fact]
    public async Task CancellationByTheCaller_IsNotWrapped()
    {
        var stub = new StubHandler((_, _) => throw new TaskCanceledException());
        using var http = new HttpClient(stub);
        var client = new KinesisClient(http, new Uri("http://127.0.0.1:1/"), Credentials);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ListShardsAsync(new ListShardsRequest { StreamName = "s" }, cancelled.Token));
    }

    [Fact]
    public async Task ATimeout_IsATransientTimeoutError()
    {
        var stub = new StubHandler((_, _) => throw new TaskCanceledException("timed out", new TimeoutException()));
        using var http = new HttpClient(stub);
        var client = new KinesisClient(http, new Uri("http://127.0.0.1:1/"), Credentials);

        var error = await Assert.ThrowsAsync<KinesisException>(() => client.ListShardsAsync(new ListShardsRequest { StreamName = "s" }));

        Assert.Equal(KinesisErrorTypes.Timeout, error.ErrorType);
        Assert.True(error.IsTransient);
    }

    [Theory]
    [InlineData("1440938160", 1440938160000)]
    [InlineData("1440938160.123", 1440938160123)]
    [InlineData("1.440938160123E9", 1440938160123)]
    public void Timestamps_AreReadFromEpochSeconds(string json, long unixMilliseconds)
    {
        var summary = JsonSerializer.Deserialize($$"""{"StreamName":"s","StreamStatus":"ACTIVE","StreamCreationTimestamp":{{json}}}""",
            KinesisJsonContext.Default.StreamDescriptionSummary)!;

        Assert.Equal(unixMilliseconds, summary.StreamCreationTimestamp.ToUnixTimeMilliseconds());
        Assert.Equal(StreamStatus.Active, summary.StreamStatus);
    }

    [Fact]
    public void Timestamps_AreWrittenAsEpochSecondsWithMilliseconds_AndEnumsAsTheirApiNames()
    {
        var json = JsonSerializer.Serialize(new GetShardIteratorRequest
        {
            StreamName = "s", ShardId = "shardId-000000000000", ShardIteratorType = ShardIteratorType.AtTimestamp,
            Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(1440938160123),
        }, KinesisJsonContext.Default.GetShardIteratorRequest);

        Assert.Equal("""{"StreamName":"s","ShardId":"shardId-000000000000","ShardIteratorType":"AT_TIMESTAMP","Timestamp":1440938160.123}""", json);
    }

    private static async Task<KinesisException> FailWith(HttpResponseMessage response)
    {
        var stub = new StubHandler((_, _) => response);
        using var http = new HttpClient(stub);
        var client = new KinesisClient(http, new Uri("http://127.0.0.1:1/"), Credentials);
        return await Assert.ThrowsAsync<KinesisException>(() => client.ListShardsAsync(new ListShardsRequest { StreamName = "s" }));
    }
}
