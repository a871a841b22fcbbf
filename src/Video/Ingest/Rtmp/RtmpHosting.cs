using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Platform.Video.Ingest.Rtmp;

/// <summary>Registers the RTMP ingest server.</summary>
public static class RtmpHosting
{
    /// <summary>
    /// Adds <see cref="RtmpServer"/> as a hosted service (and as a singleton, so callers can read its bound port),
    /// with <see cref="RtmpOptions"/> bound from <c>Platform:Video:Rtmp</c> and validated at start-up. The server
    /// hands media to the <see cref="IMediaIngest"/> registered by the video module.
    /// </summary>
    public static IServiceCollection AddRtmpIngest(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RtmpOptions>().Bind(configuration.GetSection(RtmpOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RtmpOptions>, RtmpOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RtmpServer>();
        services.AddHostedService(static sp => sp.GetRequiredService<RtmpServer>());
        return services;
    }
}
