using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Storage;
using Platform.Storage.Azure;
using Platform.Storage.Embedded;
using Platform.Testing;
using Platform.Video.Hosting;
using Platform.Video.Media;
using Platform.Video.Store;
using Platform.Video.Streams;

namespace Platform.Video.Tests.Store;

/// <summary>
/// One real blob store (an embedded temp folder or a private Azurite) shared by the "hosts" of a test: each
/// <see cref="Host"/> is a catalog and fragment store as one process builds them, sharing nothing but storage.
/// The clock starts at the top of a future hour so tests place fragments in chosen hours.
/// </summary>
public abstract class VideoStorageHarness : IAsyncLifetime
{
    private readonly List<IDisposable> _opened = [];

    protected VideoStorageHarness()
    {
        var now = DateTimeOffset.UtcNow;
        Start = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero).AddHours(2);
        Clock = new ManualTimeProvider(Start);
    }

    /// <summary>The top of the hour the clock started in.</summary>
    protected DateTimeOffset Start { get; }

    protected ManualTimeProvider Clock { get; }

    protected abstract IBlobStore Store { get; }

    /// <summary>A second client of the same storage, as a restarted or second process opens it.</summary>
    protected abstract IBlobStore OpenStore();

    public virtual async Task InitializeAsync() => await Store.CreateContainerIfNotExistsAsync(VideoStreamCatalog.Container);

    public virtual Task DisposeAsync()
    {
        foreach (var opened in _opened)
        {
            opened.Dispose();
        }

        return Task.CompletedTask;
    }

    protected static VideoOptions Options(Action<VideoOptions>? change = null)
    {
        var options = new VideoOptions { DefaultRetentionHours = 48, LiveWindowFragments = 5 };
        change?.Invoke(options);
        return options;
    }

    /// <summary>A host: its own catalog and store over <paramref name="store"/> (this test's store when null).</summary>
    protected (VideoStreamCatalog Catalog, FragmentStore Fragments) Host(VideoOptions? options = null, IBlobStore? store = null)
    {
        store ??= Store;
        var catalog = new VideoStreamCatalog(store, options ?? Options(), Clock);
        return (catalog, new FragmentStore(store, catalog, Clock, NullLogger<FragmentStore>.Instance));
    }

    /// <summary>A host on a freshly opened storage client (a restarted process).</summary>
    protected (VideoStreamCatalog Catalog, FragmentStore Fragments) RestartedHost(VideoOptions? options = null)
    {
        var store = OpenStore();
        if (store is IDisposable disposable)
        {
            _opened.Add(disposable);
        }

        return Host(options, store);
    }

    protected static string NewName() => "cam-" + Guid.NewGuid().ToString("N")[..10];

    protected static InitSegment Init(int id = 0) => new(id, RandomNumberGenerator.GetBytes(600), "avc1.64001f,mp4a.40.2", 1280, 720);

    protected MediaFragment Fragment(int size = 3000, int initId = 0, TimeSpan? producerOffset = null) =>
        new(initId, RandomNumberGenerator.GetBytes(size), TimeSpan.Zero, TimeSpan.FromSeconds(2), Clock.GetUtcNow() + (producerOffset ?? TimeSpan.Zero), false);

    /// <summary>Writes <paramref name="count"/> fragments, moving the clock 2 s after each; returns them with their bytes.</summary>
    protected async Task<List<(FragmentInfo Info, byte[] Data)>> WriteAsync(FragmentAppender appender, int count, TimeSpan? producerOffset = null)
    {
        var written = new List<(FragmentInfo, byte[])>();
        for (var i = 0; i < count; i++)
        {
            var fragment = Fragment(2000 + (i * 37), producerOffset: producerOffset);
            written.Add((await appender.WriteFragmentAsync(fragment, CancellationToken.None), fragment.Data.ToArray()));
            Clock.Advance(TimeSpan.FromSeconds(2));
        }

        return written;
    }

    /// <summary>Names and tiers of the stream's blobs under data/{name}/, relative to its incarnation folder.</summary>
    protected async Task<List<(string Name, AccessTier? Tier)>> ListDataAsync(string stream)
    {
        var all = new List<(string, AccessTier?)>();
        string? token = null;
        do
        {
            var page = await Store.ListBlobsAsync(VideoStreamCatalog.Container, $"data/{stream}/", token);
            all.AddRange(page.Items.Select(i => (string.Join('/', i.Name.Split('/').Skip(3)), i.AccessTier)));
            token = page.ContinuationToken;
        }
        while (token is not null);
        return all;
    }
}

public sealed class VideoAzuriteFixture : IAsyncLifetime
{
    public AzuriteServer? Server { get; private set; }

    public async Task InitializeAsync() => Server = await AzuriteServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }
}

/// <summary>An embedded store in a temp folder, removed afterwards.</summary>
public sealed class EmbeddedFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "platform-video-" + Guid.NewGuid().ToString("N"));

    public EmbeddedBlobStore Open() => EmbeddedBlobStore.Open(new EmbeddedBlobStoreOptions { DataPath = Path });

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

/// <summary>Opens Azure clients on a fixture's Azurite.</summary>
public static class AzuriteStores
{
    public static AzureBlobStore Open(VideoAzuriteFixture fixture) => AzureBlobStore.FromConnectionString(fixture.Server!.ConnectionString);
}
