using System.Text.RegularExpressions;
using Platform.Storage;
using Platform.Video.Hosting;
using Platform.Video.Streams;
using Platform.Video.Tests.Store;

namespace Platform.Video.Tests.Streams;

/// <summary>Video stream resources on a real blob store; each backend runs the same tests.</summary>
public abstract class VideoStreamCatalogTests : VideoStorageHarness
{
    private static async Task<VideoStreamException> FailsWith(string errorType, Func<Task> action)
    {
        var e = await Assert.ThrowsAsync<VideoStreamException>(action);
        Assert.Equal(errorType, e.ErrorType);
        return e;
    }

    [Fact]
    public async Task CreateStream_ReturnsAKinesisVideoArn_AndDescribeFindsItByNameOrArn()
    {
        var (catalog, _) = Host();
        var name = NewName();
        var arn = await catalog.CreateAsync(new CreateVideoStreamRequest(name) { MediaType = "video/h264", DataRetentionInHours = 12, WarmAfter = TimeSpan.FromMinutes(30), PublishKey = "s3cret" }, CancellationToken.None);

        Assert.Matches(new Regex($"^arn:aws:kinesisvideo:us-east-1:000000000000:stream/{name}/[0-9]+$"), arn);
        var byName = await catalog.DescribeAsync(name, null, CancellationToken.None);
        var (other, _) = Host();
        var byArn = await other.DescribeAsync(null, arn, CancellationToken.None);
        Assert.Equal(byName, byArn);
        Assert.Equal((arn, VideoStreamStatus.Active, 12, "video/h264", TimeSpan.FromMinutes(30), true), (byName.StreamARN, byName.Status, byName.DataRetentionInHours, byName.MediaType, byName.WarmAfter, byName.HasPublishKey));
        Assert.False(string.IsNullOrEmpty(byName.Version));
    }

    [Fact]
    public async Task CreateStream_UsesTheConfiguredDefaults_WhenTheRequestLeavesThemOut()
    {
        var (catalog, _) = Host(Options(o => { o.DefaultRetentionHours = 7; o.DefaultWarmAfter = TimeSpan.FromMinutes(20); }));
        var name = NewName();
        await catalog.CreateAsync(new CreateVideoStreamRequest(name), CancellationToken.None);

        var info = await catalog.DescribeAsync(name, null, CancellationToken.None);
        Assert.Equal((7, TimeSpan.FromMinutes(20), false), (info.DataRetentionInHours, info.WarmAfter, info.HasPublishKey));
    }

    [Fact]
    public async Task CreateStream_RefusesATakenName_BadSettings_AndMoreThanMaxStreams()
    {
        var (catalog, _) = Host();
        var name = NewName();
        await catalog.CreateAsync(new CreateVideoStreamRequest(name), CancellationToken.None);

        await FailsWith(VideoStreamErrors.ResourceInUse, () => catalog.CreateAsync(new CreateVideoStreamRequest(name), CancellationToken.None));
        await FailsWith(VideoStreamErrors.InvalidArgument, () => catalog.CreateAsync(new CreateVideoStreamRequest("bad name!"), CancellationToken.None));
        await FailsWith(VideoStreamErrors.InvalidArgument, () => catalog.CreateAsync(new CreateVideoStreamRequest(NewName()) { DataRetentionInHours = -1 }, CancellationToken.None));
        await FailsWith(VideoStreamErrors.InvalidArgument, () => catalog.CreateAsync(new CreateVideoStreamRequest(NewName()) { DataRetentionInHours = 87_601 }, CancellationToken.None));
        await FailsWith(VideoStreamErrors.InvalidArgument, () => catalog.CreateAsync(new CreateVideoStreamRequest(NewName()) { WarmAfter = TimeSpan.Zero }, CancellationToken.None));

        var (limited, _) = Host(Options(o => o.MaxStreams = 1));
        await FailsWith(VideoStreamErrors.ClientLimitExceeded, () => limited.CreateAsync(new CreateVideoStreamRequest(NewName()), CancellationToken.None));
    }

    [Fact]
    public async Task DescribeStream_OfAnUnknownStreamOrAStaleArn_IsResourceNotFound()
    {
        var (catalog, _) = Host();
        await FailsWith(VideoStreamErrors.ResourceNotFound, () => catalog.DescribeAsync("missing", null, CancellationToken.None));

        var name = NewName();
        var arn = await catalog.CreateAsync(new CreateVideoStreamRequest(name), CancellationToken.None);
        var stale = arn[..arn.LastIndexOf('/')] + "/1";
        await FailsWith(VideoStreamErrors.ResourceNotFound, () => catalog.DescribeAsync(null, stale, CancellationToken.None));
        await FailsWith(VideoStreamErrors.InvalidArgument, () => catalog.DescribeAsync("other", arn, CancellationToken.None));
        await FailsWith(VideoStreamErrors.InvalidArgument, () => catalog.DescribeAsync(null, "arn:aws:kinesis:us-east-1:000000000000:stream/x", CancellationToken.None));
    }

    [Fact]
    public async Task ListStreams_PagesWithNextToken_AndFiltersByNamePrefix()
    {
        var (catalog, _) = Host();
        var prefix = "ls" + Guid.NewGuid().ToString("N")[..6];
        var names = Enumerable.Range(0, 5).Select(i => $"{prefix}-{i}").ToList();
        foreach (var name in names)
        {
            await catalog.CreateAsync(new CreateVideoStreamRequest(name), CancellationToken.None);
        }

        await catalog.CreateAsync(new CreateVideoStreamRequest(NewName()), CancellationToken.None);

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await catalog.ListAsync(2, token, prefix, CancellationToken.None);
            Assert.True(page.Streams.Count <= 2);
            seen.AddRange(page.Streams.Select(s => s.StreamName));
            token = page.NextToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(names, seen);
        Assert.True(pages >= 3);
        await FailsWith(VideoStreamErrors.InvalidArgument, () => catalog.ListAsync(0, null, null, CancellationToken.None));
        await FailsWith(VideoStreamErrors.InvalidArgument, () => catalog.ListAsync(10, "not*a*token", null, CancellationToken.None));
    }

    [Fact]
    public async Task UpdateDataRetention_IncreasesAndDecreases_ChecksTheVersion_AndKeepsWithinLimits()
    {
        var (catalog, _) = Host();
        var name = NewName();
        await catalog.CreateAsync(new CreateVideoStreamRequest(name) { DataRetentionInHours = 10 }, CancellationToken.None);
        var v1 = (await catalog.DescribeAsync(name, null, CancellationToken.None)).Version;

        var up = await catalog.UpdateDataRetentionAsync(name, null, v1, DataRetentionOperation.Increase, 5, CancellationToken.None);
        Assert.Equal(15, up.DataRetentionInHours);
        Assert.NotEqual(v1, up.Version);

        await FailsWith(VideoStreamErrors.VersionMismatch, () => catalog.UpdateDataRetentionAsync(name, null, v1, DataRetentionOperation.Decrease, 1, CancellationToken.None));
        await FailsWith(VideoStreamErrors.InvalidArgument, () => catalog.UpdateDataRetentionAsync(name, null, up.Version, DataRetentionOperation.Decrease, 16, CancellationToken.None));
        await FailsWith(VideoStreamErrors.InvalidArgument, () => catalog.UpdateDataRetentionAsync(name, null, up.Version, DataRetentionOperation.Increase, 0, CancellationToken.None));
        await FailsWith(VideoStreamErrors.ResourceNotFound, () => catalog.UpdateDataRetentionAsync("missing", null, up.Version, DataRetentionOperation.Increase, 1, CancellationToken.None));

        var down = await catalog.UpdateDataRetentionAsync(name, null, up.Version, DataRetentionOperation.Decrease, 15, CancellationToken.None);
        Assert.Equal(0, down.DataRetentionInHours);
    }

    [Fact]
    public async Task DeleteStream_MarksItDeleting_ThenMaintenanceRemovesItsDataAndItsDocument()
    {
        var (catalog, fragments) = Host();
        var name = NewName();
        await catalog.CreateAsync(new CreateVideoStreamRequest(name), CancellationToken.None);
        var appender = await fragments.OpenWriterAsync(name, CancellationToken.None);
        await appender.WriteInitAsync(new Platform.Video.Media.InitSegment(0, new byte[] { 1 }, "avc1.64001f", 2, 2), CancellationToken.None);
        await WriteAsync(appender, 2);
        Assert.NotEmpty(await ListDataAsync(name));

        await FailsWith(VideoStreamErrors.VersionMismatch, () => catalog.DeleteAsync(name, null, "wrong", CancellationToken.None));
        await catalog.DeleteAsync(name, null, null, CancellationToken.None);
        Assert.Equal(VideoStreamStatus.Deleting, (await catalog.DescribeAsync(name, null, CancellationToken.None)).Status);
        await FailsWith(VideoStreamErrors.ResourceInUse, () => catalog.CreateAsync(new CreateVideoStreamRequest(name), CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => WriteAsync(appender, 1));

        await fragments.RunMaintenanceAsync(CancellationToken.None);

        Assert.Empty(await ListDataAsync(name));
        var (fresh, _) = Host();
        await FailsWith(VideoStreamErrors.ResourceNotFound, () => fresh.DescribeAsync(name, null, CancellationToken.None));
        await fresh.CreateAsync(new CreateVideoStreamRequest(name), CancellationToken.None);
    }

    [Fact]
    public void Options_NameTheBadKey_WhenInvalid()
    {
        var errors = new VideoOptions { FragmentDuration = TimeSpan.FromSeconds(11), LiveWindowFragments = 1, DefaultRetentionHours = -1, AccountId = "x" }.Validate();

        Assert.Contains(errors, e => e.Contains("Platform:Video:FragmentDuration", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Platform:Video:LiveWindowFragments", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Platform:Video:DefaultRetentionHours", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Platform:Video:AccountId", StringComparison.Ordinal));
        Assert.Empty(new VideoOptions().Validate());
    }
}

public sealed class EmbeddedVideoStreamCatalogTests : VideoStreamCatalogTests, IDisposable
{
    private readonly EmbeddedFolder _folder = new();
    private readonly Platform.Storage.Embedded.EmbeddedBlobStore _store;

    public EmbeddedVideoStreamCatalogTests() => _store = _folder.Open();

    protected override IBlobStore Store => _store;

    protected override IBlobStore OpenStore() => _folder.Open();

    public void Dispose()
    {
        _store.Dispose();
        _folder.Dispose();
    }
}

public sealed class AzuriteVideoStreamCatalogTests(VideoAzuriteFixture azurite) : VideoStreamCatalogTests, IClassFixture<VideoAzuriteFixture>, IDisposable
{
    private readonly Platform.Storage.Azure.AzureBlobStore _store = AzuriteStores.Open(azurite);

    protected override IBlobStore Store => _store;

    protected override IBlobStore OpenStore() => AzuriteStores.Open(azurite);

    public void Dispose() => _store.Dispose();
}
