using Microsoft.AspNetCore.Routing;

namespace Platform.Runtime.Modules;

/// <summary>
/// A subsystem that plugs into the host without the runtime knowing it (video, stream triggers): registered as a
/// singleton by the module's <c>Add…</c> extension, then mapped and initialised by <c>MapPlatform</c> and
/// <c>InitializeStorageAsync</c> in registration order.
/// </summary>
public interface IPlatformModule
{
    /// <summary>Maps the module's HTTP endpoints on the platform's one port.</summary>
    void MapEndpoints(IEndpointRouteBuilder endpoints);

    /// <summary>Creates the module's containers and loads its state, so storage problems show at start-up.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);
}
