using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Storage;
using Platform.Video.Hls;
using Platform.Video.Streams;

namespace Platform.Video.Api;

/// <summary>
/// The Kinesis Video Streams API as AWS serves it (REST-JSON): <c>POST /{operation}</c> with a JSON body; errors as
/// <c>{"Message": …}</c> with the type in <c>x-amzn-ErrorType</c>. The control plane (<c>createStream</c> …) and the
/// archived-media operations (<c>listFragments</c>, <c>getHLSStreamingSessionURL</c>) share this host, which is also
/// what <c>getDataEndpoint</c> answers, so the AWS SDK's two clients both work with one endpoint override.
/// </summary>
public static partial class VideoApi
{
    public const string ContentType = "application/json";

    /// <summary>Largest request body accepted; the API's requests are a few hundred bytes (tags at most a few KiB).</summary>
    public const int MaxRequestBytes = 64 * 1024;

    private static readonly string[] Operations =
    [
        "createStream", "describeStream", "listStreams", "deleteStream", "updateDataRetention",
        "getDataEndpoint", "listFragments", "getHLSStreamingSessionURL",
    ];

    /// <summary>Maps every operation at <c>POST /{operation}</c>, with CORS preflights so browser pages may call them.</summary>
    public static IEndpointRouteBuilder MapVideoApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        foreach (var operation in Operations)
        {
            endpoints.MapPost("/" + operation, (HttpContext context) => HandleAsync(context, operation)).WithDisplayName("Video API " + operation);
            endpoints.MapMethods("/" + operation, [HttpMethods.Options], (HttpContext context) => HlsCors.Preflight(context, "POST, OPTIONS"));
        }

        return endpoints;
    }

    private static async Task HandleAsync(HttpContext context, string operation)
    {
        var services = context.RequestServices;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Platform.Video.Api");
        var cancellationToken = context.RequestAborted;
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        HlsCors.Apply(context.Response);
        byte[]? rented = null;
        try
        {
            var (buffer, length) = await ReadBodyAsync(context.Request, cancellationToken);
            rented = buffer;
            await DispatchAsync(context, operation, buffer.AsMemory(0, length), cancellationToken);
        }
        catch (VideoApiException e)
        {
            VideoApiLog.Refused(logger, operation, e.ErrorType, e.Message);
            await WriteErrorAsync(context, e.StatusCode, e.ErrorType, e.Message);
        }
        catch (VideoStreamException e)
        {
            VideoApiLog.Refused(logger, operation, e.ErrorType, e.Message);
            await WriteErrorAsync(context, e.StatusCode, e.ErrorType, e.Message);
        }
        catch (JsonException e)
        {
            var where = e.Path is null or "$" ? string.Empty : $" at {e.Path.TrimStart('$', '.')}";
            VideoApiLog.Refused(logger, operation, VideoApiException.InvalidArgument, e.Message);
            await WriteErrorAsync(context, 400, VideoApiException.InvalidArgument, $"The request body is not valid JSON for {operation}{where}: {e.Message}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (Exception e) when (e is BlobStorageException or IOException or TimeoutException)
        {
            VideoApiLog.StorageFailed(logger, operation, e);
            await WriteErrorAsync(context, 500, "ClientLimitExceededException", "Storage is unavailable; retry the request.");
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static T Parse<T>(ReadOnlyMemory<byte> body, JsonTypeInfo<T> type)
        where T : class
    {
        if (body.IsEmpty)
        {
            throw VideoApiException.Invalid("The request body is empty; send a JSON object.");
        }

        return JsonSerializer.Deserialize(body.Span, type) ?? throw VideoApiException.Invalid("The request body must be a JSON object, not null.");
    }

    private static async Task<(byte[] Buffer, int Length)> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxRequestBytes)
        {
            throw new VideoApiException(VideoApiException.InvalidArgument, $"The request body is {request.ContentLength} bytes; at most {MaxRequestBytes} are accepted.", 413);
        }

        // One byte more than allowed, so an oversized body is seen rather than cut short.
        var buffer = ArrayPool<byte>.Shared.Rent(MaxRequestBytes + 1);
        var length = 0;
        try
        {
            while (true)
            {
                var read = await request.Body.ReadAsync(buffer.AsMemory(length, MaxRequestBytes + 1 - length), cancellationToken);
                if (read == 0)
                {
                    return (buffer, length);
                }

                length += read;
                if (length > MaxRequestBytes)
                {
                    throw new VideoApiException(VideoApiException.InvalidArgument, $"The request body is larger than {MaxRequestBytes} bytes.", 413);
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private static async Task WriteAsync<T>(HttpContext context, T value, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = ContentType;
        await JsonSerializer.SerializeAsync(context.Response.Body, value, type, cancellationToken);
    }

    private static Task WriteEmptyAsync(HttpContext context)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = ContentType;
        return context.Response.WriteAsync("{}", CancellationToken.None);
    }

    private static async Task WriteErrorAsync(HttpContext context, int status, string type, string message)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        context.Response.Headers["x-amzn-ErrorType"] = type;
        await JsonSerializer.SerializeAsync(context.Response.Body, new ErrorOut(message), VideoApiJson.Default.ErrorOut, CancellationToken.None);
    }

    /// <summary>Where this host is reachable: the configured public URL, else the request's own scheme, host and base path.</summary>
    internal static string BaseUrl(HttpContext context)
    {
        var configured = context.RequestServices.GetRequiredService<IOptions<HlsPlaybackOptions>>().Value.PublicBaseUrl;
        if (!string.IsNullOrEmpty(configured))
        {
            return configured.TrimEnd('/');
        }

        var request = context.Request;
        return $"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}";
    }
}

internal static partial class VideoApiLog
{
    [LoggerMessage(EventId = 5350, Level = LogLevel.Debug, Message = "Video API {Operation} refused: {ErrorType}: {Message}")]
    public static partial void Refused(ILogger logger, string operation, string errorType, string message);

    [LoggerMessage(EventId = 5351, Level = LogLevel.Error, Message = "Video API {Operation} failed on storage")]
    public static partial void StorageFailed(ILogger logger, string operation, Exception exception);
}
