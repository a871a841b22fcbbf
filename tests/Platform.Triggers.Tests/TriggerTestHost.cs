using System.Text;
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

namespace Platform.Triggers.Tests;

/// <summary>
/// The stream service and the trigger runtime in this process, on an embedded data folder of the test's own,
/// running the given function classes. Settings are host.json keys (<c>Host:extensions:streams:…</c>) and app settings.
/// </summary>
public sealed class TriggerTestHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly string? _ownedFolder;

    private TriggerTestHost(IHost host, string? ownedFolder)
    {
        _host = host;
        _ownedFolder = ownedFolder;
    }

    public IServiceProvider Services => _host.Services;

    public StreamService Streams => Services.GetRequiredService<StreamService>();

    public IBlobStore Store => Services.GetRequiredService<IBlobStore>();

    public StreamTriggerHost Triggers => Services.GetRequiredService<StreamTriggerHost>();

    /// <summary>
    /// Settings fast enough for tests: quick rounds and retries, frequent checkpoints. The failover time is not the
    /// minimum (2 s): a host stops invoking once its last heartbeat is older than 0.6 of it, and under CI's load (five
    /// test assemblies at once on two cores) a heartbeat was once late by more than 1.2 s, which restarted a shard from
    /// its checkpoint mid-test. 4 s keeps rounds quick (1.3 s) and tolerates a 2.4 s stall.
    /// </summary>
    public static Dictionary<string, string?> FastSettings() => new()
    {
        ["Host:extensions:streams:leaseFailoverSeconds"] = "4",
        ["Host:extensions:streams:pollIntervalMilliseconds"] = "50",
        ["Host:extensions:streams:retryDelayMilliseconds"] = "1",
        ["Host:extensions:streams:checkpointIntervalMilliseconds"] = "0",
        ["Host:extensions:streams:drainTimeoutSeconds"] = "5",
    };

    /// <summary>Builds and starts the host; a start-up failure (such as invalid settings) is thrown.</summary>
    public static async Task<TriggerTestHost> StartAsync(
        Type[] functionTypes,
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configure = null,
        string? dataPath = null,
        TimeProvider? time = null,
        Func<StreamService, Task>? beforeTriggers = null)
    {
        var owned = dataPath is null ? Directory.CreateTempSubdirectory("triggers-").FullName : null;
        var folder = dataPath ?? owned!;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var values = FastSettings();
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(values);
        builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(time ?? TimeProvider.System);
        builder.Services.AddSingleton<IBlobStore>(_ => EmbeddedBlobStore.Open(new EmbeddedBlobStoreOptions { DataPath = folder }));
        builder.Services.AddPlatformStreams(builder.Configuration);
        builder.Services.AddStreamTriggers(FunctionDiscovery.Discover(functionTypes));
        configure?.Invoke(builder.Services);
        var host = builder.Build();
        var testHost = new TriggerTestHost(host, owned);
        try
        {
            await host.Services.InitializeStreamsAsync();
            if (beforeTriggers is not null)
            {
                await beforeTriggers(host.Services.GetRequiredService<StreamService>());
            }

            foreach (var module in host.Services.GetServices<IPlatformModule>())
            {
                await module.InitializeAsync(CancellationToken.None);
            }

            await host.StartAsync();
            return testHost;
        }
        catch
        {
            await testHost.DisposeAsync();
            throw;
        }
    }

    public async Task<IReadOnlyList<PutRecordOutcome>> PutAsync(string stream, IEnumerable<(string Key, string Data)> records)
    {
        var outcomes = new List<PutRecordOutcome>();
        foreach (var chunk in records.Chunk(500))
        {
            var result = await Streams.PutRecordsAsync(stream, [.. chunk.Select(r => new PutRecordInput(r.Key, null, Encoding.UTF8.GetBytes(r.Data)))], CancellationToken.None);
            Assert.All(result, r => Assert.Null(r.ErrorCode));
            outcomes.AddRange(result);
        }

        return outcomes;
    }

    /// <summary>Stops the trigger host politely (drain, checkpoint, release).</summary>
    public Task StopAsync() => _host.StopAsync();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException or AggregateException)
        {
            // Best effort: the host may not have started.
        }

        if (_host is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else
        {
            _host.Dispose();
        }

        if (_ownedFolder is not null)
        {
            try
            {
                Directory.Delete(_ownedFolder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Polls <paramref name="condition"/> until true or the timeout passes (then fails with <paramref name="what"/>).</summary>
    public static Task EventuallyAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        EventuallyAsync(() => Task.FromResult(condition()), what, timeout);

    /// <summary>Polls <paramref name="condition"/> until true or the timeout passes (then fails with <paramref name="what"/>).</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }

            await Task.Delay(20);
        }
    }
}
