using Microsoft.Extensions.Logging.Abstractions;
using Platform.Storage;
using Platform.Video.Ingest;
using Platform.Video.Ingest.Pipeline;
using Platform.Video.Media;
using Platform.Video.Store;
using Platform.Video.Streams;
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
        return (new VideoIngest(catalog, fragments, start => new TestFragmenter(start), Clock, NullLogger<VideoIngest>.Instance), catalog, fragments);
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
    public async Task APublishSession_StoresWhatTheFragmenterEmits_IncludingThePartialFragmentOnDispose()
    {
        var (ingest, _, fragments) = IngestHost();
        var name = NewName();
        var session = await PublishAsync(ingest, name);

        await session.SetTrackAsync(new TrackConfig(TrackKind.Video, MediaCodec.H264, 90_000, new byte[] { 1, 100, 0, 31 }, 1280, 720), CancellationToken.None);
        for (var i = 0; i < 7; i++)
        {
            await session.WriteAsync(new AccessUnit(TrackKind.Video, i * 90_000L, i * 90_000L, IsKeyframe: i % 2 == 0, new byte[] { 0, 0, 0, 1, (byte)i }), CancellationToken.None);
        }

        await session.DisposeAsync();

        var stored = await fragments.LatestAsync(name, 10, CancellationToken.None);
        Assert.Equal(4, stored.Count);
        Assert.True(stored[0].Discontinuity);
        foreach (var fragment in stored)
        {
            Assert.NotNull(await fragments.ReadFragmentAsync(name, fragment.Number, CancellationToken.None));
        }

        Assert.NotNull(await fragments.ReadInitSegmentAsync(name, stored[0].InitSegmentKey, CancellationToken.None));
    }

    /// <summary>Stands in for the fragmenter (pure logic tested on its own): one init segment per track change, a
    /// fragment per keyframe-led group of units, the open group flushed at the end.</summary>
    private sealed class TestFragmenter(DateTimeOffset start) : IFragmenter
    {
        private readonly List<byte> _open = [];
        private int _init = -1;
        private long _firstDts = -1;

        public void SetTrack(TrackConfig config, ICollection<FragmentOutput> output) => output.Add(new InitSegment(++_init, config.CodecPrivate, "avc1.64001f", config.Width, config.Height));

        public void Add(AccessUnit unit, ICollection<FragmentOutput> output)
        {
            if (_init < 0)
            {
                throw new InvalidDataException("No track configuration.");
            }

            if (unit.IsKeyframe)
            {
                Flush(output);
                _firstDts = unit.Dts;
            }

            _open.AddRange(unit.Data.ToArray());
        }

        public void Flush(ICollection<FragmentOutput> output)
        {
            if (_open.Count > 0)
            {
                var at = TimeSpan.FromSeconds(_firstDts / 90_000.0);
                output.Add(new MediaFragment(_init, _open.ToArray(), at, TimeSpan.FromSeconds(2), start + at, false));
                _open.Clear();
            }
        }
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
