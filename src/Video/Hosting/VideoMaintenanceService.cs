using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Video.Store;

namespace Platform.Video.Hosting;

/// <summary>Runs <see cref="FragmentStore.RunMaintenanceAsync"/> every <c>MaintenanceInterval</c> on every host.</summary>
internal sealed class VideoMaintenanceService(FragmentStore store, TimeProvider time, ILogger<VideoMaintenanceService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(store.MaintenanceInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await store.RunMaintenanceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                VideoHostingLog.MaintenancePassFailed(logger, e);
            }
        }
    }
}

internal static partial class VideoHostingLog
{
    [LoggerMessage(EventId = 5430, Level = LogLevel.Error, Message = "Video maintenance pass failed; the next pass retries")]
    public static partial void MaintenancePassFailed(ILogger logger, Exception exception);
}
