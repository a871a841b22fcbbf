using Microsoft.AspNetCore.Http;

namespace Platform.Video.Hls;

/// <summary>Checks HLS session tokens after routing and before output caching (see <see cref="HlsAccess"/>).</summary>
public sealed class HlsAccessMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var metadata = context.GetEndpoint()?.Metadata.GetMetadata<HlsAccessMetadata>();
        if (metadata is not null && !HttpMethods.IsOptions(context.Request.Method) && await HlsAccess.ResolveAsync(context, metadata) is null)
        {
            return;
        }

        await next(context);
    }
}
