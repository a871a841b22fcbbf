using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.Runtime.Modules;
using Platform.Storage;
using Platform.Video.Hosting;
using Platform.Video.Ingest;
using Platform.Video.Store;
using Platform.Video.Streams;
using Platform.Video.Tests.Store;

namespace Platform.Video.Tests.Ingest;

public sealed class VideoHostingTests : IDisposable
{
    private readonly EmbeddedFolder _folder = new();

    private ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IBlobStore>(_ => _folder.Open());
        services.AddPlatformVideo(configuration);
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task AddPlatformVideo_RegistersTheVideoServices_AndTheModuleCreatesTheContainer()
    {
        await using var provider = Build(new() { ["Platform:Video:DefaultRetentionHours"] = "5", ["Platform:Video:FragmentDuration"] = "00:00:03" });

        Assert.Same(provider.GetRequiredService<FragmentStore>(), provider.GetRequiredService<IFragmentReader>());
        Assert.Same(provider.GetRequiredService<VideoIngest>(), provider.GetRequiredService<IMediaIngest>());
        Assert.Contains(provider.GetServices<IHostedService>(), s => s.GetType().Name == "VideoMaintenanceService");
        Assert.Equal(5, provider.GetRequiredService<VideoStreamCatalog>().Options.DefaultRetentionHours);

        var module = Assert.Single(provider.GetServices<IPlatformModule>());
        await module.InitializeAsync(CancellationToken.None);
        Assert.False(await provider.GetRequiredService<IBlobStore>().CreateContainerIfNotExistsAsync(VideoStreamCatalog.Container));
    }

    [Fact]
    public async Task InvalidVideoSettings_FailAtStartUp_NamingTheKey()
    {
        await using var provider = Build(new() { ["Platform:Video:FragmentDuration"] = "00:00:30" });

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<VideoOptions>>().Value);
        Assert.Contains("Platform:Video:FragmentDuration", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();
}
