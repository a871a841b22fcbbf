using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Platform.Video.Ingest.WebRtc.Sdp;

namespace Platform.Video.Ingest.WebRtc.Whip;

/// <summary>
/// WHIP signalling (RFC 9725): <c>POST /whip/{stream}</c> with an SDP offer creates a session at
/// <c>/whip/{stream}/{session}</c>, which <c>DELETE</c> ends and <c>PATCH</c> accepts trickle candidates for (ignored:
/// the server is ICE-lite and learns the browser's address from its checks; ICE restarts are refused with 422).
/// Every response carries CORS headers so pages on other origins can publish.
/// </summary>
public static class WhipEndpoints
{
    private const string SdpType = "application/sdp";
    private const string TrickleType = "application/trickle-ice-sdpfrag";

    public static IEndpointRouteBuilder MapWhip(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/whip/{stream}", PostAsync);
        endpoints.MapMethods("/whip/{stream}", ["OPTIONS"], Options);
        endpoints.MapDelete("/whip/{stream}/{session}", DeleteAsync);
        endpoints.MapPatch("/whip/{stream}/{session}", PatchAsync);
        endpoints.MapMethods("/whip/{stream}/{session}", ["OPTIONS"], Options);
        return endpoints;
    }

    private static IResult Options(HttpContext context)
    {
        Cors(context);
        context.Response.Headers.Allow = "POST, DELETE, PATCH, OPTIONS";
        context.Response.Headers["Accept-Post"] = SdpType;
        context.Response.Headers["Accept-Patch"] = TrickleType;
        return Results.NoContent();
    }

    private static async Task<IResult> PostAsync(string stream, HttpContext context, CancellationToken cancellationToken)
    {
        Cors(context);
        if (!IsContentType(context.Request, SdpType))
        {
            return Text(StatusCodes.Status415UnsupportedMediaType, "A WHIP offer must be sent as application/sdp.");
        }

        var offer = await ReadBodyAsync(context.Request, SessionDescription.MaxLength, cancellationToken);
        if (offer is null)
        {
            return Text(StatusCodes.Status413PayloadTooLarge, "The SDP offer is larger than 64 KiB.");
        }

        var manager = context.RequestServices.GetRequiredService<WhipSessionManager>();
        var remote = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        try
        {
            var (session, answer) = await manager.CreateAsync(stream, offer, BearerToken(context.Request), remote, cancellationToken);
            var location = $"/whip/{Uri.EscapeDataString(stream)}/{session.Id}";
            context.Response.Headers.Location = location;
            context.Response.Headers.ETag = $"\"{session.Id}\"";
            context.Response.Headers["Accept-Patch"] = TrickleType;
            return Results.Text(answer, SdpType, Encoding.UTF8, StatusCodes.Status201Created);
        }
        catch (SdpException e)
        {
            return Text(e.StatusCode, e.Message);
        }
        catch (WhipCapacityException e)
        {
            return Text(StatusCodes.Status503ServiceUnavailable, e.Message);
        }
        catch (PublishRejectedException e)
        {
            var status = e.Reason switch
            {
                PublishRejection.BadCredential when BearerToken(context.Request) is null => StatusCodes.Status401Unauthorized,
                PublishRejection.BadCredential => StatusCodes.Status403Forbidden,
                PublishRejection.StreamBusy => StatusCodes.Status409Conflict,
                PublishRejection.StreamNotFound => StatusCodes.Status404NotFound,
                _ => StatusCodes.Status400BadRequest,
            };
            if (status == StatusCodes.Status401Unauthorized)
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
            }

            return Text(status, e.Message);
        }
    }

    private static async Task<IResult> DeleteAsync(string stream, string session, HttpContext context)
    {
        Cors(context);
        var manager = context.RequestServices.GetRequiredService<WhipSessionManager>();
        var found = manager.Find(session);
        if (found is null || found.StreamName != stream)
        {
            return Text(StatusCodes.Status404NotFound, "No such WHIP session.");
        }

        await manager.DeleteAsync(session);
        return Results.Ok();
    }

    private static async Task<IResult> PatchAsync(string stream, string session, HttpContext context, CancellationToken cancellationToken)
    {
        Cors(context);
        var manager = context.RequestServices.GetRequiredService<WhipSessionManager>();
        var found = manager.Find(session);
        if (found is null || found.StreamName != stream)
        {
            return Text(StatusCodes.Status404NotFound, "No such WHIP session.");
        }

        if (!IsContentType(context.Request, TrickleType))
        {
            return Text(StatusCodes.Status415UnsupportedMediaType, "PATCH takes application/trickle-ice-sdpfrag.");
        }

        var ifMatch = context.Request.Headers.IfMatch.ToString();
        if (ifMatch.Length > 0 && ifMatch != "*" && ifMatch != $"\"{found.Id}\"")
        {
            return Text(StatusCodes.Status412PreconditionFailed, "The If-Match ETag does not name this session's ICE state.");
        }

        var fragment = await ReadBodyAsync(context.Request, 16 * 1024, cancellationToken);
        if (fragment is null)
        {
            return Text(StatusCodes.Status413PayloadTooLarge, "The SDP fragment is larger than 16 KiB.");
        }

        foreach (var line in fragment.Split('\n'))
        {
            var trimmed = line.TrimEnd('\r');
            if (trimmed.StartsWith("a=ice-ufrag:", StringComparison.Ordinal) && trimmed["a=ice-ufrag:".Length..] != found.RemoteUfrag)
            {
                return Text(StatusCodes.Status422UnprocessableEntity, "ICE restarts are not supported; start a new WHIP session.");
            }
        }

        // ICE-lite needs no remote candidates: the browser's checks reveal its address.
        return Results.NoContent();
    }

    private static void Cors(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.AccessControlAllowOrigin = "*";
        headers.AccessControlAllowMethods = "POST, DELETE, PATCH, OPTIONS";
        headers.AccessControlAllowHeaders = "Authorization, Content-Type, If-Match";
        headers.AccessControlExposeHeaders = "Location, ETag, Accept-Patch, Link";
    }

    private static bool IsContentType(HttpRequest request, string expected) =>
        request.ContentType is { } type && type.Split(';')[0].Trim().Equals(expected, StringComparison.OrdinalIgnoreCase);

    private static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    /// <summary>Reads a text body up to <paramref name="limit"/> characters; null when it is longer.</summary>
    private static async Task<string?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var buffer = new char[limit + 1];
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await reader.ReadAsync(buffer.AsMemory(total), cancellationToken);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total > limit ? null : new string(buffer, 0, total);
    }

    private static IResult Text(int status, string message) => Results.Text(message, "text/plain", Encoding.UTF8, status);
}
