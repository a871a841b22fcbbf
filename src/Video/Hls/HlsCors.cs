using Microsoft.AspNetCore.Http;

namespace Platform.Video.Hls;

/// <summary>
/// CORS for playback and the video API: any origin may read (players on a user's own page fetch playlists and
/// fragments cross-origin); no credentials are involved, since access is granted by the token in the URL.
/// </summary>
public static class HlsCors
{
    public static void Apply(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.AccessControlAllowOrigin = "*";
        response.Headers.AccessControlExposeHeaders = "Content-Length, Content-Range, Accept-Ranges, ETag, x-amzn-ErrorType, x-amzn-RequestId";
    }

    /// <summary>Answers a preflight: the methods given, any requested headers (Range, the AWS SDK's), cached by the browser for a day.</summary>
    public static IResult Preflight(HttpContext context, string methods)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.Response;
        Apply(response);
        response.Headers.AccessControlAllowMethods = methods;
        var requested = context.Request.Headers.AccessControlRequestHeaders.ToString();
        response.Headers.AccessControlAllowHeaders = requested.Length is > 0 and <= 2048 ? requested : "Range, Content-Type";
        response.Headers.AccessControlMaxAge = "86400";
        return Results.NoContent();
    }
}
