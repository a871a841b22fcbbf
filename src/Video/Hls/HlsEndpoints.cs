using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Platform.Storage;
using Platform.Video.Store;

namespace Platform.Video.Hls;

/// <summary>
/// HLS over HTTP. Session URLs (from <c>GetHLSStreamingSessionURL</c>) are <c>/hls/{stream}/master.m3u8?token=…</c>;
/// the master names <c>media.m3u8</c>, which names <c>init/{key}.mp4</c> and <c>fragments/{number}.m4s</c>, all
/// relative and all carrying the token. Without a token (where allowed) <c>/hls/{stream}/live.m3u8</c> is the newest
/// fragments' sliding window.
/// </summary>
public static class HlsEndpoints
{
    public const string PlaylistContentType = "application/vnd.apple.mpegurl";
    public const string InitContentType = "video/mp4";
    public const string FragmentContentType = "video/iso.segment";
    public const string ImmutableCacheControl = "public, max-age=31536000, immutable";

    private static readonly string[] ReadMethods = [HttpMethods.Get, HttpMethods.Head];

    public static IEndpointRouteBuilder MapVideoPlayback(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<HlsPlaybackOptions>>().Value;
        var playlists = new HlsPlaylistCachePolicy(TimeSpan.FromMilliseconds(options.LivePlaylistCacheMilliseconds));
        var media = new HlsMediaCachePolicy(TimeSpan.FromMinutes(options.MediaCacheMinutes));
        var group = endpoints.MapGroup("/hls/{stream}");

        group.MapMethods("/live.m3u8", ReadMethods, (HttpContext context) => MediaPlaylistAsync(context, unsignedOnly: true))
            .WithMetadata(new HlsAccessMetadata(SessionOnly: false)).CacheOutput(playlists).WithDisplayName("HLS live playlist");
        group.MapMethods("/master.m3u8", ReadMethods, MasterPlaylistAsync)
            .WithMetadata(new HlsAccessMetadata(SessionOnly: true)).CacheOutput(playlists).WithDisplayName("HLS master playlist");
        group.MapMethods("/media.m3u8", ReadMethods, (HttpContext context) => MediaPlaylistAsync(context, unsignedOnly: false))
            .WithMetadata(new HlsAccessMetadata(SessionOnly: true)).CacheOutput(playlists).WithDisplayName("HLS media playlist");
        group.MapMethods("/init/{key}.mp4", ReadMethods, InitSegmentAsync)
            .WithMetadata(new HlsAccessMetadata(SessionOnly: false)).CacheOutput(media).WithDisplayName("HLS init segment");
        group.MapMethods("/fragments/{number:long}.m4s", ReadMethods, FragmentAsync)
            .WithMetadata(new HlsAccessMetadata(SessionOnly: false)).CacheOutput(media).WithDisplayName("HLS fragment");
        endpoints.MapMethods("/hls/{**path}", [HttpMethods.Options], (HttpContext context) => HlsCors.Preflight(context, "GET, HEAD, OPTIONS"))
            .WithDisplayName("HLS CORS preflight");
        return endpoints;
    }

    private static async Task MasterPlaylistAsync(HttpContext context)
    {
        await ServeAsync(context, async (feature, reader, ct) =>
        {
            var text = await context.RequestServices.GetRequiredService<HlsPlaylists>().MasterAsync(feature.Session, feature.Token, ct);
            if (text is null)
            {
                return NothingToPlay(feature.Session);
            }

            SetPlaylistCaching(context, feature.Session.Mode == HlsPlaybackMode.OnDemand);
            return Results.Text(text, PlaylistContentType);
        });
    }

    private static async Task MediaPlaylistAsync(HttpContext context, bool unsignedOnly)
    {
        await ServeAsync(context, async (feature, reader, ct) =>
        {
            if (unsignedOnly && feature.Token is not null)
            {
                // live.m3u8 is the unsigned playlist; a session's media playlist is media.m3u8.
                return Results.NotFound();
            }

            var playlist = await context.RequestServices.GetRequiredService<HlsPlaylists>().MediaAsync(feature.Session, feature.Token, ct);
            if (playlist is null)
            {
                return NothingToPlay(feature.Session);
            }

            SetPlaylistCaching(context, playlist.Value.Window.Ended);
            return Results.Text(playlist.Value.Text, PlaylistContentType);
        });
    }

    private static async Task InitSegmentAsync(HttpContext context, string key)
    {
        await ServeAsync(context, async (feature, reader, ct) =>
        {
            var init = await reader.ReadInitSegmentAsync(feature.Session.Stream, key, ct);
            if (init is null)
            {
                return Results.NotFound();
            }

            context.Response.Headers.CacheControl = ImmutableCacheControl;
            return Results.Bytes(init.Value.Data, InitContentType, enableRangeProcessing: true, entityTag: new EntityTagHeaderValue("\"i-" + key + "\""));
        });
    }

    private static async Task FragmentAsync(HttpContext context, long number)
    {
        await ServeAsync(context, async (feature, reader, ct) =>
        {
            var data = await reader.ReadFragmentAsync(feature.Session.Stream, number, ct);
            if (data is null)
            {
                return Results.NotFound();
            }

            context.Response.Headers.CacheControl = ImmutableCacheControl;
            return Results.Bytes(data.Value, FragmentContentType, enableRangeProcessing: true, entityTag: new EntityTagHeaderValue("\"f-" + number.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\""));
        });
    }

    private static async Task ServeAsync(HttpContext context, Func<HlsSessionFeature, IFragmentReader, CancellationToken, Task<IResult>> serve)
    {
        var metadata = context.GetEndpoint()?.Metadata.GetMetadata<HlsAccessMetadata>() ?? new HlsAccessMetadata(SessionOnly: true);
        var feature = await HlsAccess.ResolveAsync(context, metadata);
        if (feature is null)
        {
            return;
        }

        HlsCors.Apply(context.Response);
        var cancellationToken = context.RequestAborted;
        IResult result;
        try
        {
            result = await serve(feature, context.RequestServices.GetRequiredService<IFragmentReader>(), cancellationToken);
        }
        catch (KeyNotFoundException)
        {
            result = Results.Text($"Stream {feature.Session.Stream} does not exist.", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (e is BlobStorageException or IOException or TimeoutException)
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Platform.Video.Hls");
            HlsLog.StorageFailed(logger, context.Request.Path.Value ?? string.Empty, e);
            result = Results.Text("Storage is unavailable; retry.", "text/plain; charset=utf-8", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        if (result is IStatusCodeHttpResult { StatusCode: not null and not StatusCodes.Status200OK })
        {
            context.Response.Headers.CacheControl = "no-store";
        }

        await result.ExecuteAsync(context);
    }

    private static IResult NothingToPlay(HlsSession session) => Results.Text(
        session.Mode == HlsPlaybackMode.OnDemand ? $"Stream {session.Stream} has no fragments in the session's time range." : $"Stream {session.Stream} has no fragments to play yet.",
        "text/plain; charset=utf-8",
        statusCode: StatusCodes.Status404NotFound);

    private static void SetPlaylistCaching(HttpContext context, bool complete)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<HlsPlaybackOptions>>().Value;
        if (complete)
        {
            context.Response.Headers.CacheControl = $"public, max-age={options.OnDemandPlaylistCacheSeconds}";
            var cache = context.Features.Get<IOutputCacheFeature>();
            cache?.Context.ResponseExpirationTimeSpan = TimeSpan.FromSeconds(options.OnDemandPlaylistCacheSeconds);
        }
        else
        {
            // A live playlist changes with every fragment; a second of reuse (by a browser or a CDN) is all it allows.
            context.Response.Headers.CacheControl = "public, max-age=1";
        }
    }
}
