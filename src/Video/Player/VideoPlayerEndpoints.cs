using System.Collections.Frozen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Platform.Video.Player;

/// <summary>
/// The player page at <c>/player/</c> (and <c>GET /</c> redirects there): its HTML, script and style, and hls.js from
/// npm, all embedded in this assembly at build time so the host needs no content folder.
/// </summary>
public static class VideoPlayerEndpoints
{
    private const string ResourcePrefix = "player/";

    private static readonly Lazy<FrozenDictionary<string, (byte[] Data, string ContentType)>> Assets = new(LoadAssets);

    public static IEndpointRouteBuilder MapVideoPlayer(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/", () => Results.Redirect("/player/")).WithDisplayName("Player redirect");
        endpoints.MapGet("/player/{file?}", static (HttpContext context, string? file) =>
        {
            // Routing matches /player and /player/ alike; the page's relative asset URLs need the slash.
            if (file is null && context.Request.Path.Value?.EndsWith('/') != true)
            {
                return Results.Redirect("/player/" + context.Request.QueryString);
            }

            return Serve(context, file ?? "index.html");
        }).WithDisplayName("Player page");
        return endpoints;
    }

    /// <summary>The names of the embedded player files (for tests: hls.js must be among them).</summary>
    public static IReadOnlyCollection<string> Files => Assets.Value.Keys;

    private static IResult Serve(HttpContext context, string file)
    {
        if (!Assets.Value.TryGetValue(file, out var asset))
        {
            return Results.NotFound();
        }

        // The page and its script change with each build; hls.js only with its pinned version.
        context.Response.Headers.CacheControl = file == "hls.min.js" ? "public, max-age=86400" : "no-cache";
        return Results.Bytes(asset.Data, asset.ContentType);
    }

    private static FrozenDictionary<string, (byte[], string)> LoadAssets()
    {
        var assembly = typeof(VideoPlayerEndpoints).Assembly;
        var assets = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var file = name[ResourcePrefix.Length..];
            assets[file] = (copy.ToArray(), Path.GetExtension(file) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                _ => "application/octet-stream",
            });
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
