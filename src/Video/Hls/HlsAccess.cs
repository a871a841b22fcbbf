using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Platform.Video.Hls;

/// <summary>
/// Decides whether an HLS request may be served: a valid session token for the stream in the path, or (where
/// allowed) no token at all. Runs in <see cref="HlsAccessMiddleware"/> before the output cache, so an expired or
/// forged token never sees cached bytes; the endpoints ask again in case the middleware is not installed.
/// </summary>
public static class HlsAccess
{
    public const string TokenQueryKey = "token";

    /// <summary>The request's session, or null after writing the 403 response.</summary>
    public static async ValueTask<HlsSessionFeature?> ResolveAsync(HttpContext context, HlsAccessMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(metadata);
        var known = context.Features.Get<HlsSessionFeature>();
        if (known is not null)
        {
            return known;
        }

        var services = context.RequestServices;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Platform.Video.Hls");
        var stream = context.Request.RouteValues["stream"] as string ?? string.Empty;
        var tokens = context.Request.Query[TokenQueryKey];
        HlsSessionFeature? feature = null;
        if (tokens.Count > 0)
        {
            var reason = "repeated";
            HlsSession? session = null;
            if (tokens.Count == 1)
            {
                session = services.GetRequiredService<HlsSessionTokens>().Validate(tokens[0], out reason);
            }

            if (session is not null && !string.Equals(session.Stream, stream, StringComparison.Ordinal))
            {
                (session, reason) = (null, "for another stream");
            }

            if (session is null)
            {
                Refused(logger, context, reason);
            }
            else
            {
                feature = new HlsSessionFeature(session, tokens[0]);
            }
        }
        else if (metadata.SessionOnly)
        {
            Refused(logger, context, "missing");
        }
        else if (services.GetRequiredService<IOptions<HlsPlaybackOptions>>().Value is { AllowUnsignedPlayback: true } options)
        {
            feature = new HlsSessionFeature(HlsSession.UnsignedLive(stream, options.UnsignedLiveFragments), null);
        }
        else
        {
            if (logger.IsEnabled(LogLevel.Information))
            {
                HlsLog.UnsignedRefused(logger, context.Request.Path.Value ?? string.Empty);
            }
        }

        if (feature is null)
        {
            HlsCors.Apply(context.Response);
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            context.Response.ContentType = "text/plain; charset=utf-8";
            context.Response.Headers.CacheControl = "no-store";
            context.Response.Headers["x-amzn-ErrorType"] = "NotAuthorizedException";
            await context.Response.WriteAsync("The session token is missing, expired or not valid for this stream; get a new URL with GetHLSStreamingSessionURL.", context.RequestAborted);
            return null;
        }

        context.Features.Set(feature);
        return feature;
    }

    private static void Refused(ILogger logger, HttpContext context, string reason)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            HlsLog.TokenRefused(logger, context.Request.Path.Value ?? string.Empty, reason);
        }
    }
}
