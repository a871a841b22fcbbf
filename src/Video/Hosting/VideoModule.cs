using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Platform.Runtime.Modules;
using Platform.Video.Streams;

namespace Platform.Video.Hosting;

/// <summary>The video subsystem as the platform host sees it: its endpoints and its start-up storage work.</summary>
internal sealed class VideoModule(VideoStreamCatalog catalog, ILogger<VideoModule> logger) : IPlatformModule
{
    /// <summary>The video API, WHIP, HLS and the player page map here (added with the HLS and API work).</summary>
    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
    }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await catalog.InitializeAsync(cancellationToken);
        var o = catalog.Options;
        if (logger.IsEnabled(LogLevel.Information))
        {
            Store.VideoLog.Settings(logger, o.AutoCreateStreams, o.DefaultRetentionHours, o.DefaultWarmAfter, o.FragmentDuration, o.LiveWindowFragments, o.MaintenanceInterval);
        }
    }
}
