using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Runtime.Modules;
using Platform.Storage;
using Platform.Video.Api;
using Platform.Video.Player;

namespace Platform.Video.Hls;

/// <summary>
/// Wires playback into a host: <see cref="AddVideoPlayback"/> registers the services, the output cache and a platform
/// module (which maps the video API, HLS and the player page, and loads the session key at start-up);
/// <see cref="UseVideoPlayback"/> adds the token check and output caching to the pipeline. Needs an
/// <see cref="Store.IFragmentReader"/>, an <see cref="IBlobStore"/> and a <see cref="TimeProvider"/> registered.
/// </summary>
public static class VideoPlaybackHosting
{
    public static IServiceCollection AddVideoPlayback(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<HlsPlaybackOptions>().Bind(configuration.GetSection(HlsPlaybackOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HlsPlaybackOptions>, HlsPlaybackOptionsValidator>();
        services.AddSingleton<HlsSessionKey>();
        services.AddSingleton(static sp => new HlsSessionTokens(sp.GetRequiredService<HlsSessionKey>().Value, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<PlaylistSequences>();
        services.AddSingleton<HlsPlaylists>();
        services.AddOutputCache();
        services.AddOptions<Microsoft.AspNetCore.OutputCaching.OutputCacheOptions>().Configure<IOptions<HlsPlaybackOptions>>(static (cache, playback) =>
        {
            cache.SizeLimit = playback.Value.CacheSizeMegabytes * 1024L * 1024L;
            cache.MaximumBodySize = 64L * 1024 * 1024;

            // Stream names are case-sensitive, so cached paths must be too.
            cache.UseCaseSensitivePaths = true;
        });
        services.AddSingleton<IPlatformModule, VideoPlaybackModule>();
        return services;
    }

    /// <summary>Adds the HLS token check, then output caching. Call after routing (a <c>WebApplication</c> routes first by itself).</summary>
    public static IApplicationBuilder UseVideoPlayback(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<HlsAccessMiddleware>();
        app.UseOutputCache();
        return app;
    }

    /// <summary>Maps the video API, HLS and the player page (what the module does through <c>MapPlatform</c>).</summary>
    public static IEndpointRouteBuilder MapVideoPlaybackEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapVideoApi();
        endpoints.MapVideoPlayback();
        endpoints.MapVideoPlayer();
        return endpoints;
    }

    private sealed class VideoPlaybackModule(HlsSessionKey key, IBlobStore store, IOptions<HlsPlaybackOptions> options, ILoggerFactory loggers) : IPlatformModule
    {
        public void MapEndpoints(IEndpointRouteBuilder endpoints) => endpoints.MapVideoPlaybackEndpoints();

        public async Task InitializeAsync(CancellationToken cancellationToken)
        {
            await key.LoadAsync(store, cancellationToken);
            var o = options.Value;
            var logger = loggers.CreateLogger("Platform.Video.Hls");
            HlsLog.Settings(logger, o.AllowUnsignedPlayback, o.LivePlaylistCacheMilliseconds, o.OnDemandPlaylistCacheSeconds, o.MediaCacheMinutes, o.CacheSizeMegabytes);
        }
    }

    private sealed class HlsPlaybackOptionsValidator : IValidateOptions<HlsPlaybackOptions>
    {
        public ValidateOptionsResult Validate(string? name, HlsPlaybackOptions options)
        {
            var errors = options.Validate();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
