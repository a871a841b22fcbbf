using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Runtime.Storage;
using Platform.Storage;

namespace Platform.Runtime.Health;

/// <summary><c>GET /healthz</c>: 200 when the host runs and its storage answers, 503 otherwise.</summary>
public static class HealthEndpoint
{
    /// <summary>A container every host creates at start-up; listing it proves storage answers.</summary>
    public const string SystemContainer = "platform-system";

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    public static IEndpointRouteBuilder MapPlatformHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", static async (IBlobStore store, IOptions<StorageOptions> options, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ProbeTimeout);
            try
            {
                await store.ListBlobsAsync(SystemContainer, pageSize: 1, cancellationToken: timeout.Token);
                return Results.Ok(new HealthReport("Healthy", options.Value.Backend.ToString(), null));
            }
            catch (Exception e) when (e is BlobStorageException or OperationCanceledException or HttpRequestException or IOException)
            {
                Hosting.PlatformLog.HealthCheckFailed(loggers.CreateLogger("Platform.Health"), e);
                return Results.Json(new HealthReport("Unhealthy", options.Value.Backend.ToString(), e.Message), statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
        return endpoints;
    }

    public sealed record HealthReport(string Status, string Storage, string? Error);
}
