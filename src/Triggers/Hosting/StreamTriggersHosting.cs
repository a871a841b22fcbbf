using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Runtime.Functions;
using Platform.Runtime.Modules;
using Platform.Storage;
using Platform.Triggers.Engine;
using Platform.Triggers.Leases;
using Platform.Triggers.Metrics;
using Platform.Triggers.Settings;

namespace Platform.Triggers.Hosting;

/// <summary>Registers the stream trigger runtime and the app's functions.</summary>
public static class StreamTriggersHosting
{
    /// <summary>
    /// Discovers the <c>[Function]</c> methods of <paramref name="assembly"/> (default: the entry assembly) and runs the
    /// stream-triggered ones; settings come from host.json's <c>extensions.streams</c> and the attributes.
    /// </summary>
    public static WebApplicationBuilder AddStreamTriggers(this WebApplicationBuilder builder, Assembly? assembly = null)
    {
        builder.Services.AddStreamTriggers(FunctionDiscovery.Discover(assembly ?? Assembly.GetEntryAssembly() ?? throw new InvalidOperationException("No entry assembly to discover functions in.")));
        return builder;
    }

    /// <summary>Runs the given functions (tests pass a chosen few).</summary>
    public static IServiceCollection AddStreamTriggers(this IServiceCollection services, IEnumerable<FunctionDefinition> functions)
    {
        foreach (var function in functions)
        {
            services.AddSingleton(function);
            if (!function.Method.IsStatic)
            {
                services.TryAddScoped(function.DeclaringType);
            }
        }

        if (services.Any(d => d.ServiceType == typeof(TriggeredFunctionCatalog)))
        {
            return services;
        }

        services.AddMetrics();
        services.AddOptions<StreamsExtensionOptions>().BindConfiguration(StreamsExtensionOptions.Section);
        services.AddSingleton<FunctionMetrics>();
        services.AddSingleton<HostIdentity>();
        services.AddSingleton<ILeaseStore>(sp => new BlobLeaseStore(sp.GetRequiredService<IBlobStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new TriggeredFunctionCatalog(TriggeredFunctionCatalog.Definitions(sp), sp.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<StreamsExtensionOptions>>(), sp.GetRequiredService<Platform.Streams.Service.StreamService>(),
            sp.GetRequiredService<IBlobStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<StreamTriggerHost>();
        services.AddSingleton(sp => new Destinations.FailureRedriver(sp.GetRequiredService<Platform.Streams.Service.StreamService>(), sp.GetRequiredService<IBlobStore>()));
        services.AddHostedService(sp => sp.GetRequiredService<StreamTriggerHost>());
        services.AddSingleton<IPlatformModule, StreamTriggersModule>();
        return services;
    }

    /// <summary>Creates the triggers container and failure destinations at start-up; building the catalog there makes bad settings fail start-up, before the server listens.</summary>
    private sealed class StreamTriggersModule(IServiceProvider services) : IPlatformModule
    {
        public void MapEndpoints(IEndpointRouteBuilder endpoints)
        {
        }

        public async Task InitializeAsync(CancellationToken cancellationToken)
        {
            await BlobLeaseStore.InitializeAsync(services.GetRequiredService<IBlobStore>(), cancellationToken);
            await services.GetRequiredService<TriggeredFunctionCatalog>().InitializeAsync(cancellationToken);
        }
    }
}
