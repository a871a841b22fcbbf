using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Video.Ingest;
using Platform.Video.Ingest.WebRtc.Transport;
using Platform.Video.Ingest.WebRtc.Whip;

namespace Platform.Video.Tests.WebRtc;

/// <summary>A real Kestrel host with WHIP ingest, bound to one address (loopback or a test namespace's veth).</summary>
internal sealed class WhipTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WhipTestHost(WebApplication app, RecordingMediaIngest ingest, Uri baseAddress)
    {
        _app = app;
        Ingest = ingest;
        BaseAddress = baseAddress;
    }

    public RecordingMediaIngest Ingest { get; }

    public CollectingLoggerProvider Log { get; private init; } = null!;

    public Uri BaseAddress { get; }

    public WebRtcTransport Transport => _app.Services.GetRequiredService<WebRtcTransport>();

    public WhipSessionManager Sessions => _app.Services.GetRequiredService<WhipSessionManager>();

    public static async Task<WhipTestHost> StartAsync(
        IPAddress address, IDictionary<string, string?>? settings = null, string? page = null, IDatagramFaultInjector? faults = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var log = new CollectingLoggerProvider();
        builder.Logging.AddProvider(log);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.WebHost.ConfigureKestrel(o => o.Listen(address, 0));
        var configuration = new Dictionary<string, string?>
        {
            ["Platform:Video:WebRtc:Port"] = "0",
            ["Platform:Video:WebRtc:BindAddress"] = address.ToString(),
            ["Platform:Video:WebRtc:PublicAddresses:0"] = address.ToString(),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(configuration);
        var ingest = new RecordingMediaIngest();
        builder.Services.AddSingleton<IMediaIngest>(ingest);
        builder.Services.AddWhipIngest(builder.Configuration);
        if (faults is not null)
        {
            builder.Services.AddSingleton(faults);
        }
        var app = builder.Build();
        app.MapWhip();
        if (page is not null)
        {
            app.MapGet("/publish.html", () => Results.Content(page, "text/html"));
        }

        await app.StartAsync();
        return new WhipTestHost(app, ingest, new Uri(app.Urls.First())) { Log = log };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
