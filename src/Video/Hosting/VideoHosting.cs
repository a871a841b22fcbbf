using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Runtime.Modules;
using Platform.Storage;
using Platform.Video.Ingest;
using Platform.Video.Ingest.Pipeline;
using Platform.Video.Store;
using Platform.Video.Streams;

namespace Platform.Video.Hosting;

/// <summary>Registers the video subsystem: options, stream catalog, fragment store, ingest, maintenance and the module.</summary>
public static class VideoHosting
{
    /// <summary>
    /// Adds <see cref="VideoOptions"/> (bound from <c>Platform:Video</c>, validated at start-up), <see cref="VideoStreamCatalog"/>,
    /// <see cref="FragmentStore"/> (also as <see cref="IFragmentReader"/>), <see cref="VideoIngest"/> as <see cref="IMediaIngest"/>,
    /// the maintenance service and the <see cref="IPlatformModule"/> that creates the container at start-up.
    /// Needs <see cref="IBlobStore"/> and <see cref="TimeProvider"/> (the platform host registers both).
    /// </summary>
    public static IServiceCollection AddPlatformVideo(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<VideoOptions>().Bind(configuration.GetSection(VideoOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<VideoOptions>, VideoOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(static sp => new VideoStreamCatalog(
            sp.GetRequiredService<IBlobStore>(),
            sp.GetRequiredService<IOptions<VideoOptions>>().Value,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(static sp => new FragmentStore(
            sp.GetRequiredService<IBlobStore>(),
            sp.GetRequiredService<VideoStreamCatalog>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<FragmentStore>>()));
        services.AddSingleton<IFragmentReader>(static sp => sp.GetRequiredService<FragmentStore>());
        services.TryAddSingleton<Func<DateTimeOffset, IFragmenter>>(static sp =>
        {
            var duration = sp.GetRequiredService<IOptions<VideoOptions>>().Value.FragmentDuration;
            return start => new FragmenterAdapter(duration, start);
        });
        services.AddSingleton(static sp => new VideoIngest(
            sp.GetRequiredService<VideoStreamCatalog>(),
            sp.GetRequiredService<FragmentStore>(),
            sp.GetRequiredService<Func<DateTimeOffset, IFragmenter>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<VideoIngest>>()));
        services.AddSingleton<IMediaIngest>(static sp => sp.GetRequiredService<VideoIngest>());
        services.AddHostedService<VideoMaintenanceService>();
        services.AddSingleton<IPlatformModule, VideoModule>();
        return services;
    }
}

internal sealed class VideoOptionsValidator : IValidateOptions<VideoOptions>
{
    public ValidateOptionsResult Validate(string? name, VideoOptions options)
    {
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
