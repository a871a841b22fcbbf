using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Video.Ingest.WebRtc.Dtls;
using Platform.Video.Ingest.WebRtc.Transport;

namespace Platform.Video.Ingest.WebRtc.Whip;

/// <summary>Registers WHIP ingest; the host maps its endpoints with <see cref="WhipEndpoints.MapWhip"/>.</summary>
public static class WhipServiceCollectionExtensions
{
    /// <summary>
    /// Adds the shared WebRTC UDP transport (a hosted service), the DTLS certificate and the WHIP session manager, with
    /// options from <c>Platform:Video:WebRtc</c> validated at start-up. An <see cref="IMediaIngest"/> must be registered.
    /// </summary>
    public static IServiceCollection AddWhipIngest(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebRtcOptions>().Bind(configuration.GetSection(WebRtcOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebRtcOptions>, WebRtcOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static sp => DtlsCertificate.Create(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<WebRtcTransport>();
        services.AddHostedService(static sp => sp.GetRequiredService<WebRtcTransport>());
        services.TryAddSingleton<WhipSessionManager>();
        return services;
    }
}
