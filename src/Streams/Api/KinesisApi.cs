using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Storage;
using Platform.Streams.Client.Protocol;
using Platform.Streams.Service;

namespace Platform.Streams.Api;

/// <summary>A check of a request's credentials; returns null when the request may proceed.</summary>
public interface IKinesisAuthenticator
{
    AuthFailure? Authenticate(HttpRequest request, ReadOnlySpan<byte> body);
}

/// <summary>Why a request was refused: the AWS error type and a message.</summary>
public sealed record AuthFailure(string ErrorType, string Message);

/// <summary>
/// The Kinesis Data Streams API as AWS serves it (AWS JSON 1.1): <c>POST /</c> with
/// <c>X-Amz-Target: Kinesis_20131202.{Operation}</c> and a JSON body; errors as <c>{"__type","message"}</c>
/// with the type also in <c>x-amzn-ErrorType</c>.
/// </summary>
public static partial class KinesisApi
{
    public const string TargetPrefix = "Kinesis_20131202.";
    public const string ContentType = "application/x-amz-json-1.1";

    /// <summary>Largest request body accepted: a full PutRecords (5 MiB of data) in base64 with room for JSON.</summary>
    public const int MaxRequestBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Most body bytes waited for at once: well under what Kestrel buffers before it stops reading the socket
    /// (1 MiB per HTTP/1.1 connection by default), so waiting for a piece never waits on the server's own back-pressure.
    /// </summary>
    private const int BodyReadPieceBytes = 256 * 1024;

    public static IEndpointConventionBuilder MapKinesisApi(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/", HandleAsync).WithDisplayName("Kinesis API");

    internal static async Task HandleAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var service = services.GetRequiredService<StreamService>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Platform.Streams.Api");
        var cancellationToken = context.RequestAborted;
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        var target = context.Request.Headers["X-Amz-Target"].ToString();
        if (!target.StartsWith(TargetPrefix, StringComparison.Ordinal))
        {
            await WriteErrorAsync(context, 400, KinesisErrors.UnknownOperation, string.IsNullOrEmpty(target) ? "Missing X-Amz-Target header: it names the operation, as Kinesis_20131202.{Operation}." : $"Unknown operation {target}.");
            return;
        }

        var operation = target[TargetPrefix.Length..];
        var cbor = KinesisCbor.IsCbor(context.Request.ContentType);
        byte[]? rented = null;
        PooledBufferWriter? translated = null;
        try
        {
            var (buffer, length) = await ReadBodyAsync(context.Request, cancellationToken);
            rented = buffer;
            var body = buffer.AsMemory(0, length);
            var refusal = services.GetService<IKinesisAuthenticator>()?.Authenticate(context.Request, body.Span);
            if (refusal is not null)
            {
                await WriteErrorAsync(context, 403, refusal.ErrorType, refusal.Message);
                return;
            }

            if (cbor)
            {
                translated = new PooledBufferWriter(Math.Max(256, body.Length * 2));
                body = CborRequestAsJson(body.Span, operation, translated);
            }

            if (operation == "SubscribeToShard")
            {
                await SubscribeToShardAsync(context, service, Parse(body, KinesisJson.Wire.SubscribeToShardRequest), cbor, cancellationToken);
                return;
            }

            if (cbor)
            {
                await DispatchInCborAsync(context, service, operation, body, cancellationToken);
                return;
            }

            await DispatchAsync(context, service, operation, body, cancellationToken);
        }
        catch (KinesisException e)
        {
            await WriteErrorAsync(context, e.StatusCode, e.ErrorType, e.Message);
        }
        catch (JsonException e)
        {
            await WriteErrorAsync(context, 400, KinesisErrors.Serialization, $"The request body is not valid JSON for {operation}: {e.Message}");
        }
        catch (BadRequestBodyException e)
        {
            await WriteErrorAsync(context, 400, KinesisErrors.Serialization, e.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (Exception e) when (e is BlobStorageException or IOException or TimeoutException)
        {
            ApiLog.StorageFailed(logger, operation, e);
            await WriteErrorAsync(context, 500, KinesisErrors.InternalFailure, "Internal service failure: storage is unavailable; retry the request.");
        }
        finally
        {
            translated?.Dispose();
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The JSON a CBOR request stands for (see <see cref="KinesisCbor"/>); malformed CBOR is a SerializationException.</summary>
    private static Memory<byte> CborRequestAsJson(ReadOnlySpan<byte> body, string operation, PooledBufferWriter json)
    {
        if (body.IsEmpty)
        {
            throw new BadRequestBodyException("The request body is empty; send a CBOR map (an empty one at least).");
        }

        try
        {
            KinesisCbor.ToJson(body, json);
        }
        catch (FormatException e)
        {
            throw new BadRequestBodyException($"{e.Message} Operation {operation}.");
        }

        // The buffer is this request's own until it is answered; PutRecords decodes its base64 in place.
        return System.Runtime.InteropServices.MemoryMarshal.AsMemory(json.WrittenMemory);
    }

    /// <summary>
    /// Runs an operation whose request came in CBOR: the handlers write JSON into a buffer in place of the response
    /// body, and the answer goes out as its CBOR translation. An error thrown on the way is answered by the caller,
    /// in CBOR too (<see cref="WriteErrorAsync"/>), to the real body.
    /// </summary>
    private static async Task DispatchInCborAsync(HttpContext context, StreamService service, string operation, Memory<byte> body, CancellationToken ct)
    {
        if (operation == "GetRecords")
        {
            await GetRecordsAsync(context, service, body, cbor: true, ct); // written as CBOR straight from the frames, in pieces
            return;
        }

        var realBody = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        using var captured = new MemoryStream();
        var capture = new StreamResponseBodyFeature(captured);
        context.Features.Set<IHttpResponseBodyFeature>(capture);
        try
        {
            await DispatchAsync(context, service, operation, body, ct);
            await capture.CompleteAsync();
        }
        finally
        {
            context.Features.Set(realBody);
        }

        var answer = new ArrayBufferWriter<byte>((int)Math.Max(16, captured.Length));
        if (captured.Length == 0)
        {
            answer.Write([(byte)0xBF, (byte)0xFF]); // an operation with no output: an empty map, as the Java SDK sends for no input
        }
        else
        {
            KinesisCbor.FromJson(captured.GetBuffer().AsSpan(0, (int)captured.Length), answer);
        }

        context.Response.ContentType = KinesisCbor.ContentType;
        context.Response.ContentLength = answer.WrittenCount;
        await context.Response.Body.WriteAsync(answer.WrittenMemory, ct);
    }

    private static T Parse<T>(ReadOnlyMemory<byte> body, JsonTypeInfo<T> type)
        where T : class
    {
        if (body.IsEmpty)
        {
            throw new BadRequestBodyException("The request body is empty; send a JSON object ({} at least).");
        }

        return JsonSerializer.Deserialize(body.Span, type) ?? throw new BadRequestBodyException("The request body must be a JSON object, not null.");
    }

    private static async Task<(byte[] Buffer, int Length)> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxRequestBytes)
        {
            throw new KinesisException(KinesisErrors.Validation, $"The request body is {request.ContentLength} bytes; at most {MaxRequestBytes} are accepted.", 413);
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(4096, request.ContentLength ?? 64 * 1024));
        var length = 0;
        var reader = request.BodyReader;
        var singleStream = HttpProtocol.IsHttp11(request.Protocol) || HttpProtocol.IsHttp10(request.Protocol);
        try
        {
            while (true)
            {
                // Over HTTP/1.1, wake once per large piece of the body rather than once per socket read (a 700 KB
                // PutRecords arrives in dozens). Not over HTTP/2: streams share the connection's flow-control window,
                // which Kestrel opens again only as bodies are consumed, so several streams each waiting for a piece
                // could hold the window shut between them.
                var wanted = singleStream && request.ContentLength is { } declared ? (int)Math.Clamp(declared - length, 1, BodyReadPieceBytes) : 1;
                var result = await reader.ReadAtLeastAsync(wanted, cancellationToken);
                var data = result.Buffer;
                if (length + data.Length > MaxRequestBytes)
                {
                    throw new KinesisException(KinesisErrors.Validation, $"The request body is larger than {MaxRequestBytes} bytes.", 413);
                }

                if (length + data.Length > buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(MaxRequestBytes, Math.Max(buffer.Length * 2, length + data.Length)));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                data.CopyTo(buffer.AsSpan(length));
                length += (int)data.Length;
                reader.AdvanceTo(data.End);
                if (result.IsCompleted)
                {
                    return (buffer, length);
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
        context.Response.ContentLength = 0;
        return Task.CompletedTask;
    }

    internal static async Task WriteErrorAsync(HttpContext context, int status, string type, string message)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = status;
        context.Response.ContentLength = null;
        context.Response.Headers["x-amzn-ErrorType"] = type;
        if (KinesisCbor.IsCbor(context.Request.ContentType))
        {
            var body = new ArrayBufferWriter<byte>(64 + message.Length);
            KinesisCbor.WriteError(body, type, message);
            context.Response.ContentType = KinesisCbor.ContentType;
            await context.Response.Body.WriteAsync(body.WrittenMemory, CancellationToken.None);
            return;
        }

        context.Response.ContentType = ContentType;
        await JsonSerializer.SerializeAsync(context.Response.Body, new ErrorOut(type, message), KinesisJson.Wire.ErrorOut, CancellationToken.None);
    }

    private sealed class BadRequestBodyException(string message) : Exception(message);
}

internal static partial class ApiLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Error, Message = "Kinesis {Operation} failed on storage")]
    public static partial void StorageFailed(ILogger logger, string operation, Exception exception);
}
