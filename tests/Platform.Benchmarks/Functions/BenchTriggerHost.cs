using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Runtime.Functions;
using Platform.Runtime.Modules;
using Platform.Storage;
using Platform.Storage.Embedded;
using Platform.Streams.Hosting;
using Platform.Streams.Service;
using Platform.Triggers.Hosting;

namespace Platform.Benchmarks.Functions;

/// <summary>
/// The stream service and the trigger runtime in this process on an embedded data folder, running one function
/// class; the store can be wrapped (to count calls). Streams can be filled before the triggers start.
/// </summary>
internal sealed class BenchTriggerHost : IAsyncDisposable
{
    private readonly IHost _host;

    private BenchTriggerHost(IHost host) => _host = host;

    public StreamService Streams => _host.Services.GetRequiredService<StreamService>();

    public StreamTriggerHost Triggers => _host.Services.GetRequiredService<StreamTriggerHost>();

    public BenchSink Sink => _host.Services.GetRequiredService<BenchSink>();

    /// <summary>Builds the host and prepares storage; the triggers run once <see cref="StartAsync"/> is called.</summary>
    public static async Task<BenchTriggerHost> CreateAsync(string dataPath, Type functions, IDictionary<string, string?> settings, Func<IBlobStore, IBlobStore>? wrap = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<BenchSink>();
        builder.Services.AddSingleton(_ =>
        {
            IBlobStore store = EmbeddedBlobStore.Open(new EmbeddedBlobStoreOptions { DataPath = dataPath });
            return wrap is null ? store : wrap(store);
        });
        builder.Services.AddPlatformStreams(builder.Configuration);
        builder.Services.AddStreamTriggers(FunctionDiscovery.Discover([functions]));
        var host = new BenchTriggerHost(builder.Build());
        await host._host.Services.InitializeStreamsAsync();
        return host;
    }

    /// <summary>Validates the functions, creates their containers and starts the triggers.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var module in _host.Services.GetServices<IPlatformModule>())
        {
            await module.InitializeAsync(cancellationToken);
        }

        await _host.StartAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            if (_host is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync();
            }
            else
            {
                _host.Dispose();
            }
        }
    }
}
