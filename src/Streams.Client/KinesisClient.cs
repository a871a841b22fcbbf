using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Platform.Streams.Client.Auth;
using Platform.Streams.Client.Model;
using Platform.Streams.Client.Protocol;

namespace Platform.Streams.Client;

/// <summary>
/// Kinesis Data Streams over the AWS JSON 1.1 protocol: every operation is a SigV4-signed
/// <c>POST /</c> with <c>X-Amz-Target: Kinesis_20131202.&lt;Operation&gt;</c> and a JSON body. Works
/// against AWS, kinesalite or this platform's own server; the endpoint decides which. Thread-safe.
/// </summary>
public sealed class KinesisClient : IKinesisClient
{
    public const string ServiceName = "kinesis";
    public const string TargetPrefix = "Kinesis_20131202.";
    public const string JsonContentType = "application/x-amz-json-1.1";

    private const int MaxErrorBodyBytes = 64 * 1024;

    private static readonly KinesisJsonContext Json = KinesisJsonContext.Default;

    private readonly HttpClient _httpClient;
    private readonly AwsCredentials _credentials;
    private readonly TimeProvider _timeProvider;

    /// <param name="httpClient">Owned by the caller; its timeout bounds each request.</param>
    /// <param name="endpoint">For example <c>http://127.0.0.1:4566/</c> or <c>https://kinesis.eu-west-1.amazonaws.com/</c>.</param>
    /// <param name="credentials">The key pair to sign with.</param>
    /// <param name="region">The region named in the signature's credential scope.</param>
    /// <param name="timeProvider">The clock for X-Amz-Date; the system clock by default.</param>
    public KinesisClient(HttpClient httpClient, Uri endpoint, AwsCredentials credentials, string region = "us-east-1", TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrEmpty(region);
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"The endpoint must be an absolute http or https URI, not '{endpoint}'.", nameof(endpoint));
        }

        _httpClient = httpClient;
        Endpoint = endpoint;
        _credentials = credentials;
        Region = region;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    public Uri Endpoint { get; }

    public string Region { get; }

    public Task CreateStreamAsync(CreateStreamRequest request, CancellationToken cancellationToken = default) =>
        SendAsync("CreateStream", request, Json.CreateStreamRequest, cancellationToken);

    public Task DeleteStreamAsync(DeleteStreamRequest request, CancellationToken cancellationToken = default) =>
        SendAsync("DeleteStream", request, Json.DeleteStreamRequest, cancellationToken);

    public Task<DescribeStreamSummaryResponse> DescribeStreamSummaryAsync(DescribeStreamSummaryRequest request, CancellationToken cancellationToken = default) =>
        SendAsync("DescribeStreamSummary", request, Json.DescribeStreamSummaryRequest, Json.DescribeStreamSummaryResponse, cancellationToken);

    public Task<ListShardsResponse> ListShardsAsync(ListShardsRequest request, CancellationToken cancellationToken = default) =>
        SendAsync("ListShards", request, Json.ListShardsRequest, Json.ListShardsResponse, cancellationToken);

    public Task<PutRecordResponse> PutRecordAsync(PutRecordRequest request, CancellationToken cancellationToken = default) =>
        SendAsync("PutRecord", request, Json.PutRecordRequest, Json.PutRecordResponse, cancellationToken);

    public Task<PutRecordsResponse> PutRecordsAsync(PutRecordsRequest request, CancellationToken cancellationToken = default) =>
        SendAsync("PutRecords", request, Json.PutRecordsRequest, Json.PutRecordsResponse, cancellationToken);

    public Task<GetShardIteratorResponse> GetShardIteratorAsync(GetShardIteratorRequest request, CancellationToken cancellationToken = default) =>
        SendAsync("GetShardIterator", request, Json.GetShardIteratorRequest, Json.GetShardIteratorResponse, cancellationToken);

    public Task<GetRecordsResponse> GetRecordsAsync(GetRecordsRequest request, CancellationToken cancellationToken = default) =>
        SendAsync("GetRecords", request, Json.GetRecordsRequest, Json.GetRecordsResponse, cancellationToken);

    public Task SplitShardAsync(SplitShardRequest request, CancellationToken cancellationToken = default) =>
        SendAsync("SplitShard", request, Json.SplitShardRequest, cancellationToken);

    public Task MergeShardsAsync(MergeShardsRequest request, CancellationToken cancellationToken = default) =>
        SendAsync("MergeShards", request, Json.MergeShardsRequest, cancellationToken);

    private async Task SendAsync<TRequest>(string operation, TRequest request, JsonTypeInfo<TRequest> requestType, CancellationToken cancellationToken)
    {
        using var body = Serialize(request, requestType);
        using var response = await ExchangeAsync(operation, body, cancellationToken);
    }

    private async Task<TResponse> SendAsync<TRequest, TResponse>(string operation, TRequest request, JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        // The pooled body stays rented until the response has been read, so no late resend can see a reused array.
        using var body = Serialize(request, requestType);
        using var response = await ExchangeAsync(operation, body, cancellationToken);
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await JsonSerializer.DeserializeAsync(stream, responseType, cancellationToken)
                   ?? throw new JsonException("The response body is JSON null.");
        }
        catch (JsonException e)
        {
            throw new KinesisException(KinesisErrorTypes.InvalidResponse, $"{operation} answered {(int)response.StatusCode} with a body that is not a {operation} response: {e.Message}",
                response.StatusCode, e, RequestId(response));
        }
        catch (Exception e) when (IsNetworkFailure(e, cancellationToken))
        {
            throw NetworkFailure(operation, e);
        }
    }

    /// <summary>Sends one signed request and returns its successful response; any other outcome throws.</summary>
    private async Task<HttpResponseMessage> ExchangeAsync(string operation, PooledBufferWriter body, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, Endpoint);
        message.Headers.TryAddWithoutValidation(SigV4Signer.TargetHeader, TargetPrefix + operation);
        message.Content = new ReadOnlyMemoryContent(body.WrittenMemory);
        message.Content.Headers.ContentType = new MediaTypeHeaderValue(JsonContentType);
        SigV4Signer.Sign(message, body.WrittenSpan, _credentials, Region, ServiceName, _timeProvider.GetUtcNow());

        HttpResponseMessage response;
        try
        {
            response = await _httpClient.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (Exception e) when (IsNetworkFailure(e, cancellationToken))
        {
            throw NetworkFailure(operation, e);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ReadErrorAsync(operation, response, cancellationToken);
        }
    }

    private static PooledBufferWriter Serialize<TRequest>(TRequest request, JsonTypeInfo<TRequest> requestType)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = new PooledBufferWriter(4096);
        try
        {
            using var writer = new Utf8JsonWriter(body);
            JsonSerializer.Serialize(writer, request, requestType);
            return body;
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    private static async Task<KinesisException> ReadErrorAsync(string operation, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxErrorBodyBytes];
        var length = 0;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            int read;
            while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
            {
                length += read;
            }
        }
        catch (Exception e) when (IsNetworkFailure(e, cancellationToken))
        {
            // The status alone still says what happened; an unreadable body only loses the message.
        }

        var headerType = response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? values.FirstOrDefault() : null;
        var (type, message) = KinesisErrorReader.Read(buffer.AsSpan(0, length), headerType);
        var status = (int)response.StatusCode;
        type ??= status >= 500 ? KinesisErrorTypes.InternalFailure : $"Http{status}";
        return new KinesisException(type, string.IsNullOrEmpty(message) ? $"{operation} failed with HTTP {status} {response.ReasonPhrase}." : message,
            response.StatusCode, requestId: RequestId(response));
    }

    private static bool IsNetworkFailure(Exception e, CancellationToken cancellationToken) =>
        e is HttpRequestException or IOException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested);

    private static KinesisException NetworkFailure(string operation, Exception e) =>
        e is TaskCanceledException
            ? new KinesisException(KinesisErrorTypes.Timeout, $"{operation} got no response in time.", null, e)
            : new KinesisException(KinesisErrorTypes.NetworkError, $"{operation} failed without a response: {e.Message}", null, e);

    private static string? RequestId(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-amzn-RequestId", out var values) ? values.FirstOrDefault() : null;
}
