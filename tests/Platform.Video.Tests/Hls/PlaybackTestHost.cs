using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Testing;
using Platform.Storage;
using Platform.Storage.Embedded;
using Platform.Video.Hls;
using Platform.Video.Hosting;
using Platform.Video.Store;
using Platform.Video.Streams;

namespace Platform.Video.Tests.Hls;

/// <summary>
/// A real Kestrel host on a loopback port with the playback side wired as the platform host wires it
/// (<c>AddVideoPlayback</c>, <c>UseVideoPlayback</c>, the module's endpoints) over a <see cref="MemoryFragmentReader"/>
/// and a real stream catalog on an embedded blob store in a temporary folder.
/// </summary>
internal sealed class PlaybackTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly DirectoryInfo _data;
    private readonly EmbeddedBlobStore _store;

    private PlaybackTestHost(WebApplication app, MemoryFragmentReader reader, ManualTimeProvider time, DirectoryInfo data, EmbeddedBlobStore store)
    {
        _app = app;
        _data = data;
        _store = store;
        Reader = reader;
        Time = time;
        BaseUrl = app.Urls.First();
        Client = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(20) };
    }

    public MemoryFragmentReader Reader { get; }

    public ManualTimeProvider Time { get; }

    public string BaseUrl { get; }

    public HttpClient Client { get; }

    public HlsSessionTokens Tokens => _app.Services.GetRequiredService<HlsSessionTokens>();

    public VideoStreamCatalog Catalog => _app.Services.GetRequiredService<VideoStreamCatalog>();

    public static async Task<PlaybackTestHost> StartAsync(Action<MemoryFragmentReader, ManualTimeProvider>? seed = null, IDictionary<string, string?>? settings = null)
    {
        var time = new ManualTimeProvider();
        var reader = new MemoryFragmentReader(time);
        seed?.Invoke(reader, time);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{LoopbackPort.Free()}");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSingleton<IFragmentReader>(reader);
        var data = Directory.CreateTempSubdirectory("video-api-");
        var store = EmbeddedBlobStore.Open(new EmbeddedBlobStoreOptions { DataPath = data.FullName }, time);
        builder.Services.AddSingleton<IBlobStore>(store);
        builder.Services.AddSingleton(sp => new VideoStreamCatalog(store, new VideoOptions(), time));
        builder.Services.AddVideoPlayback(builder.Configuration);
        var app = builder.Build();
        await app.Services.GetRequiredService<VideoStreamCatalog>().InitializeAsync(CancellationToken.None);
        await app.Services.GetRequiredService<HlsSessionKey>().LoadAsync(store, CancellationToken.None);
        app.UseVideoPlayback();
        app.MapVideoPlaybackEndpoints();
        await app.StartAsync();
        return new PlaybackTestHost(app, reader, time, data, store);
    }

    /// <summary>A signed session URL path (as <c>GetHLSStreamingSessionURL</c> makes) for <paramref name="session"/>.</summary>
    public string SessionPath(HlsSession session, string file = "master.m3u8") => $"/hls/{session.Stream}/{file}?token={Tokens.Create(session)}";

    public HlsSession Session(string stream, HlsPlaybackMode mode = HlsPlaybackMode.Live, DateTimeOffset? start = null, DateTimeOffset? end = null, TimeSpan? lifetime = null)
    {
        var now = Time.GetUtcNow();
        return new HlsSession(stream, mode, FragmentTimestampType.ServerTimestamp, start, end, HlsDiscontinuityMode.OnDiscontinuity, false, 5, now, now + (lifetime ?? TimeSpan.FromMinutes(5)));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _store.Dispose();
        _data.Delete(recursive: true);
    }
}
