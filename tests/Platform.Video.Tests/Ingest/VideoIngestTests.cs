using Microsoft.Extensions.Logging.Abstractions;
using Platform.Storage;
using Platform.Video.Ingest;
using Platform.Video.Ingest.Pipeline;
using Platform.Video.Media;
using Platform.Video.Store;
using Platform.Video.Streams;
using Platform.Video.Tests.Media;
using Platform.Video.Tests.Store;

namespace Platform.Video.Tests.Ingest;

/// <summary>The ingest glue on a real blob store: stream checks, publish keys, one publisher per stream, the pipeline into the store.</summary>
public abstract class VideoIngestTests : VideoStorageHarness
{
    private readonly List<IPublishSession> _sessions = [];

    public override async Task DisposeAsync()
    {
        foreach (var session in _sessions)
        {
            await session.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    private (VideoIngest Ingest, VideoStreamCatalog Catalog, FragmentStore Fragments) IngestHost(bool autoCreate = true)
    {
        var (catalog, fragments) = Host(Options(o => o.AutoCreateStreams = autoCreate));
        return (new VideoIngest(catalog, fragments, start => new FragmenterAdapter(TimeSpan.FromSeconds(2), start), Clock, NullLogger<VideoIngest>.Instance), catalog, fragments);
    }

    private async Task<IPublishSession> PublishAsync(VideoIngest ingest, string name, string? key = null)
    {
        var session = await ingest.StartPublishAsync(new PublishRequest(name, "rtmp", key, "127.0.0.1:5000"), CancellationToken.None);
        _sessions.Add(session);
        return session;
    }

    private static async Task<PublishRejection> RefusedAsync(VideoIngest ingest, string name, string? key = null) =>
        (await Assert.ThrowsAsync<PublishRejectedException>(async () => await ingest.StartPublishAsync(new PublishRequest(name, "rtmp", key, "127.0.0.1:5001"), CancellationToken.None))).Reason;

    [Fact]
    public async Task PublishingToAnUnknownStream_CreatesIt_WhenAutoCreateIsOn_AndIsRefusedWhenOff()
    {
        var (ingest, catalog, _) = IngestHost(autoCreate: true);
        var name = NewName();
        var session = await PublishAsync(ingest, name);

        var info = await catalog.DescribeAsync(name, null, CancellationToken.None);
        Assert.Equal((VideoStreamStatus.Active, 48, true), (info.Status, info.DataRetentionInHours, info.IsLive));
        Assert.Equal(name, session.StreamName);

        var (strict, _, _) = IngestHost(autoCreate: false);
        Assert.Equal(PublishRejection.StreamNotFound, await RefusedAsync(strict, NewName()));
        Assert.Equal(PublishRejection.InvalidStreamName, await RefusedAsync(strict, "no/slashes"));
    }

    [Fact]
    public async Task APublishKey_IsEnforced_WhenTheStreamHasOne()
    {
        var (ingest, catalog, _) = IngestHost();
        var name = NewName();
        await catalog.CreateAsync(new CreateVideoStreamRequest(name) { PublishKey = "k3y" }, CancellationToken.None);

        Assert.Equal(PublishRejection.BadCredential, await RefusedAsync(ingest, name));
        Assert.Equal(PublishRejection.BadCredential, await RefusedAsync(ingest, name, "wrong"));
        await PublishAsync(ingest, name, "k3y");
    }

    [Fact]
    public async Task ASecondPublisher_IsRefusedAsBusy_OnTheSameHostAndOnAnother_UntilTheFirstEnds()
    {
        var (first, _, _) = IngestHost();
        var (second, _, _) = IngestHost();
        var name = NewName();
        var session = await PublishAsync(first, name);

        Assert.Equal(PublishRejection.StreamBusy, await RefusedAsync(first, name));
        Assert.Equal(PublishRejection.StreamBusy, await RefusedAsync(second, name));

        await session.DisposeAsync();
        Assert.Equal(0, first.LiveCount);
        await PublishAsync(second, name);
        Assert.Equal(PublishRejection.StreamBusy, await RefusedAsync(first, name));
    }

    [Fact]
    public async Task AClaimLeftByACrashedHost_ExpiresAndAnotherHostMayPublish()
    {
        var (crashed, catalog, _) = IngestHost();
        var name = NewName();
        await catalog.CreateAsync(new CreateVideoStreamRequest(name), CancellationToken.None);
        var stale = new PublisherClaim("gone-session", "crashed-host", "rtmp", Clock.GetUtcNow() + TimeSpan.FromSeconds(30));
        Assert.NotNull(await catalog.TryClaimPublisherAsync(name, stale, CancellationToken.None));

        var (other, _, _) = IngestHost();
        Assert.Equal(PublishRejection.StreamBusy, await RefusedAsync(other, name));

        Clock.Advance(TimeSpan.FromSeconds(31));
        await PublishAsync(other, name);
        Assert.Equal(0, crashed.LiveCount);
    }

    [Fact]
    public async Task APublishSession_StoresCmafFragmentsAtKeyframes_IncludingThePartialOneOnDispose_AndFreesTheStream()
    {
        var (ingest, _, fragments) = IngestHost();
        var name = NewName();
        var session = await PublishAsync(ingest, name);

        // 7 s of 30 fps video with a keyframe every 2 s: fragments at 0, 2, 4 s, and 6–7 s stored when the publisher stops.
        await session.SetTrackAsync(MediaSamples.Video(), CancellationToken.None);
        for (var i = 0; i < 210; i++)
        {
            var keyframe = i % 60 == 0;
            await session.WriteAsync(new AccessUnit(TrackKind.Video, i * 3000L, (i * 3000L) + 3000, keyframe, new byte[] { 0, 0, 0, 1, keyframe ? (byte)0x65 : (byte)0x41 }), CancellationToken.None);
        }

        await session.DisposeAsync();

        var stored = await fragments.LatestAsync(name, 10, CancellationToken.None);
        Assert.Equal([2.0, 2.0, 2.0, 1.0], stored.Select(f => Math.Round(f.Duration.TotalSeconds, 1)));
        Assert.True(stored[0].Discontinuity);
        Assert.Equal(stored.Select(f => f.Number).Order(), stored.Select(f => f.Number));
        foreach (var fragment in stored)
        {
            var data = await fragments.ReadFragmentAsync(name, fragment.Number, CancellationToken.None);
            Assert.Equal("moof", System.Text.Encoding.ASCII.GetString(data!.Value.Span[4..8]));
            Assert.Equal(fragment.Size, data.Value.Length);
        }

        var init = await fragments.ReadInitSegmentAsync(name, stored[0].InitSegmentKey, CancellationToken.None);
        Assert.Equal("ftyp", System.Text.Encoding.ASCII.GetString(init!.Value.Data.Span[4..8]));
        Assert.Equal("avc1.64001f", init.Value.Codecs);
        Assert.Equal(0, ingest.LiveCount);
        await PublishAsync(ingest, name);
    }
}

public sealed class EmbeddedVideoIngestTests : VideoIngestTests, IDisposable
{
    private readonly EmbeddedFolder _folder = new();
    private readonly Platform.Storage.Embedded.EmbeddedBlobStore _store;

    public EmbeddedVideoIngestTests() => _store = _folder.Open();

    protected override IBlobStore Store => _store;

    protected override IBlobStore OpenStore() => _folder.Open();

    public void Dispose()
    {
        _store.Dispose();
        _folder.Dispose();
    }
}

public sealed class AzuriteVideoIngestTests(VideoAzuriteFixture azurite) : VideoIngestTests, IClassFixture<VideoAzuriteFixture>, IDisposable
{
    private readonly Platform.Storage.Azure.AzureBlobStore _store = AzuriteStores.Open(azurite);

    protected override IBlobStore Store => _store;

    protected override IBlobStore OpenStore() => AzuriteStores.Open(azurite);

    public void Dispose() => _store.Dispose();
}
