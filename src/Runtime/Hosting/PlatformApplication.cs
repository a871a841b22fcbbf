using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Runtime.Health;
using Platform.Runtime.Metrics;
using Platform.Runtime.Modules;
using Platform.Runtime.Storage;
using Platform.Storage;
using Platform.Streams.Api;
using Platform.Streams.Hosting;

namespace Platform.Runtime.Hosting;

/// <summary>
/// The entry point of a platform app, in the spirit of <c>FunctionsApplication.CreateBuilder(args)</c>:
/// configuration from host.json, appsettings.json, environment variables and the command line;
/// options validated at start-up; the configured blob storage registered as <see cref="IBlobStore"/>.
/// </summary>
public static class PlatformApplication
{
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        // Content (appsettings.json) ships beside the binaries; relative paths such as the data folder
        // resolve against the working directory, where host.json is looked for first.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var hostJson = HostJson.Locate(Directory.GetCurrentDirectory());
        if (hostJson is not null)
        {
            HostJson.AddTo(builder.Configuration, hostJson);
        }

        builder.Services.AddSingleton(new HostJsonLocation(hostJson));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<PrometheusExporter>();
        builder.Services.AddOtlpMetricsWhenConfigured(builder.Configuration);
        builder.Services.AddPlatformStorage(builder.Configuration);
        builder.Services.AddPlatformStreams(builder.Configuration);

        var http = builder.Configuration.GetSection(HttpOptions.Section).Get<HttpOptions>() ?? new HttpOptions();
        if (http.Port is < 1 or > 65535)
        {
            throw new OptionsValidationException(HttpOptions.Section, typeof(HttpOptions), [$"{HttpOptions.Section}:Port must be 1 to 65535, not {http.Port}."]);
        }

        // Explicit --urls / ASPNETCORE_URLS win; otherwise the platform's one port.
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(string.Create(CultureInfo.InvariantCulture, $"http://{http.BindAddress}:{http.Port}"));
        }

        // Whichever addresses win, each port speaks HTTP/1.1 and h2c (HTTP/2 by prior knowledge).
        builder.WebHost.UseHttp1AndH2cOnEachPort();

        // 64 KiB receive blocks: a PutRecords body in a few dozen socket reads instead of hundreds.
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>, LargeBlockMemoryPoolFactory>();

        return builder;
    }

    /// <summary>Registers storage options (validated at start-up) and the <see cref="IBlobStore"/> they describe.</summary>
    public static IServiceCollection AddPlatformStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.Section))
            .PostConfigure(o => o.ConnectionString ??= configuration["AzureWebJobsStorage"])
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.AddSingleton(static sp => BlobStoreFactory.Create(sp.GetRequiredService<IOptions<StorageOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>Maps the platform's endpoints and reports the effective settings once the server listens.</summary>
    public static WebApplication MapPlatform(this WebApplication app)
    {
        app.MapPlatformHealth();
        var metrics = app.Services.GetRequiredService<PrometheusExporter>();
        _ = app.Services.GetService<OpenTelemetry.Metrics.MeterProvider>();
        app.MapGet("/metrics", () => Results.Text(metrics.Render(), "text/plain; version=0.0.4; charset=utf-8"));
        app.MapKinesisApi();
        foreach (var module in app.Services.GetServices<IPlatformModule>())
        {
            module.MapEndpoints(app);
        }

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Platform.Host");
            if (!logger.IsEnabled(LogLevel.Information))
            {
                return;
            }

            var urls = string.Join(", ", app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? []);
            var storage = BlobStoreFactory.Describe(app.Services.GetRequiredService<IOptions<StorageOptions>>().Value);
            var hostJson = app.Services.GetRequiredService<HostJsonLocation>().Path ?? "(none found)";
            PlatformLog.Started(logger, urls, storage, hostJson, app.Environment.EnvironmentName);
        });
        return app;
    }

    /// <summary>Creates the platform's system container so storage problems show at start-up, not on first use.</summary>
    public static async Task InitializeStorageAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        var store = app.Services.GetRequiredService<IBlobStore>();
        await store.CreateContainerIfNotExistsAsync(HealthEndpoint.SystemContainer, cancellationToken);
        await app.Services.InitializeStreamsAsync(cancellationToken);
        foreach (var module in app.Services.GetServices<IPlatformModule>())
        {
            await module.InitializeAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Initialises storage and runs the app until shutdown. A failure to start (an invalid setting, a function with a bad
    /// trigger setting, unreachable storage) ends the process with exit code 1 and one line on stderr that names the
    /// problem, instead of an unhandled-exception dump.
    /// </summary>
    public static async Task<int> RunPlatformAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        try
        {
            await app.InitializeStorageAsync(cancellationToken);
            await app.RunAsync();
            return 0;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"Platform could not start: {e.Message}");
            return 1;
        }
    }

    /// <summary>Where host.json was read from, for the start-up report.</summary>
    public sealed record HostJsonLocation(string? Path);
}
