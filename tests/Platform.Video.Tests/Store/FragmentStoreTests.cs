using Platform.Storage;
using Platform.Video.Store;
using Platform.Video.Streams;

namespace Platform.Video.Tests.Store;

/// <summary>The fragment store on a real blob store; each backend runs the same tests.</summary>
public abstract class FragmentStoreTests : VideoStorageHarness
{
    private async Task<(VideoStreamCatalog Catalog, FragmentStore Fragments, string Name)> StreamAsync(int retentionHours = 48, TimeSpan? warmAfter = null)
    {
        var (catalog, fragments) = Host();
        var name = NewName();
        await catalog.CreateAsync(new CreateVideoStreamRequest(name) { DataRetentionInHours = retentionHours, WarmAfter = warmAfter }, CancellationToken.None);
        return (catalog, fragments, name);
    }

    private static async Task<FragmentAppender> OpenAsync(FragmentStore fragments, string name)
    {
        var appender = await fragments.OpenWriterAsync(name, CancellationToken.None);
        await appender.WriteInitAsync(new Platform.Video.Media.InitSegment(0, new byte[] { 1, 2, 3 }, "avc1.64001f", 1280, 720), CancellationToken.None);
        return appender;
    }

    /// <summary>Claims the stream for <paramref name="publisher"/> (30 s) and opens its writer, init written.</summary>
    private async Task<FragmentAppender> ClaimAndOpenAsync(VideoStreamCatalog catalog, FragmentStore fragments, string name, string publisher, string host)
    {
        Assert.NotNull(await catalog.TryClaimPublisherAsync(name, new PublisherClaim(publisher, host, "rtmp", Clock.GetUtcNow().AddSeconds(30)), CancellationToken.None));
        var writer = await fragments.OpenWriterAsync(name, publisher, CancellationToken.None);
        await writer.WriteInitAsync(Init(), CancellationToken.None);
        return writer;
    }

    [Fact]
    public async Task FragmentNumbers_IncreaseAcrossSessionsAndHosts_EvenWhenTheSecondHostsClockIsBehind()
    {
        var (_, first, name) = await StreamAsync();
        var a = await WriteAsync(await OpenAsync(first, name), 4);

        Clock.Advance(TimeSpan.FromMinutes(-10));
        var (_, second) = Host();
        var b = await WriteAsync(await OpenAsync(second, name), 4);

        var numbers = a.Concat(b).Select(f => f.Info.Number).ToList();
        Assert.Equal(numbers.Order(), numbers);
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
        Assert.True(b[0].Info.Discontinuity);
        Assert.False(b[1].Info.Discontinuity);
        Assert.NotEqual(a[0].Info.InitSegmentKey, b[0].Info.InitSegmentKey);
    }

    [Fact]
    public async Task ListAsync_FindsExactlyTheFragmentsInARangeThatCrossesAnHour_ByEitherTimestamp()
    {
        var (_, fragments, name) = await StreamAsync();
        Clock.Advance(TimeSpan.FromMinutes(59) + TimeSpan.FromSeconds(44));
        var written = await WriteAsync(await OpenAsync(fragments, name), 15, producerOffset: TimeSpan.FromSeconds(-30));
        Assert.Contains(written, f => f.Info.ServerTime < Start.AddHours(1));
        Assert.Contains(written, f => f.Info.ServerTime >= Start.AddHours(1));

        var (from, to) = (written[3].Info.ServerTime, written[11].Info.ServerTime);
        var byServer = await fragments.ListAsync(name, FragmentTimestampType.ServerTimestamp, from, to, 100, CancellationToken.None);
        Assert.Equal(written.Skip(3).Take(9).Select(f => f.Info.Number), byServer.Select(f => f.Number));

        var (pFrom, pTo) = (written[2].Info.ProducerTime, written[12].Info.ProducerTime);
        var byProducer = await fragments.ListAsync(name, FragmentTimestampType.ProducerTimestamp, pFrom, pTo, 100, CancellationToken.None);
        Assert.Equal(written.Skip(2).Take(11).Select(f => f.Info.Number), byProducer.Select(f => f.Number));

        var capped = await fragments.ListAsync(name, FragmentTimestampType.ServerTimestamp, Start, Start.AddHours(3), 4, CancellationToken.None);
        Assert.Equal(written.Take(4).Select(f => f.Info.Number), capped.Select(f => f.Number));

        // Another host sees the same, read from storage alone.
        var (_, other) = Host();
        var fromOther = await other.ListAsync(name, FragmentTimestampType.ServerTimestamp, from, to, 100, CancellationToken.None);
        Assert.Equal(byServer, fromOther);
    }

    [Fact]
    public async Task Maintenance_MovesHoursOlderThanWarmAfter_IntoACoolWarmBlob_AndDeletesTheHotOnes_WhileReadsReturnTheSameBytes()
    {
        var (_, fragments, name) = await StreamAsync(warmAfter: TimeSpan.FromMinutes(5));
        Clock.Advance(TimeSpan.FromMinutes(10));
        var written = await WriteAsync(await OpenAsync(fragments, name), 6);

        var before = await ListDataAsync(name);
        Assert.Equal(6, before.Count(b => b.Name.StartsWith("hot/", StringComparison.Ordinal)));
        Assert.All(before.Where(b => b.Name.StartsWith("hot/", StringComparison.Ordinal)), b => Assert.Equal(AccessTier.Hot, b.Tier));
        Assert.DoesNotContain(before, b => b.Name.StartsWith("warm/", StringComparison.Ordinal));

        // Not yet due: the hour is not over plus WarmAfter.
        await fragments.RunMaintenanceAsync(CancellationToken.None);
        Assert.Equal(before.Select(b => b.Name).Order(), (await ListDataAsync(name)).Select(b => b.Name).Order());

        Clock.Advance(TimeSpan.FromMinutes(56));
        await fragments.RunMaintenanceAsync(CancellationToken.None);

        var after = await ListDataAsync(name);
        Assert.DoesNotContain(after, b => b.Name.StartsWith("hot/", StringComparison.Ordinal));
        var warm = Assert.Single(after, b => b.Name.StartsWith("warm/", StringComparison.Ordinal));
        Assert.Equal(AccessTier.Cool, warm.Tier);
        Assert.Single(after, b => b.Name.StartsWith("index/", StringComparison.Ordinal));

        foreach (var reader in new[] { fragments, RestartedHost().Fragments })
        {
            foreach (var (info, data) in written)
            {
                var read = await reader.ReadFragmentAsync(name, info.Number, CancellationToken.None);
                Assert.NotNull(read);
                Assert.Equal(data, read.Value.ToArray());
            }

            var listed = await reader.ListAsync(name, FragmentTimestampType.ServerTimestamp, Start, Start.AddHours(2), 100, CancellationToken.None);
            Assert.Equal(written.Select(w => w.Info), listed);
        }

        // A second pass finds nothing more to move.
        await fragments.RunMaintenanceAsync(CancellationToken.None);
        Assert.Equal(after.Select(a => a.Name).Order(), (await ListDataAsync(name)).Select(a => a.Name).Order());
    }

    [Fact]
    public async Task Consolidation_InterruptedAtAnyStep_IsFinishedByTheNextPass_AndReadsNeverBreak()
    {
        var (_, fragments, name) = await StreamAsync(warmAfter: TimeSpan.FromMinutes(5));
        Clock.Advance(TimeSpan.FromMinutes(10));
        var written = await WriteAsync(await OpenAsync(fragments, name), 4);
        var hot = (await ListDataAsync(name)).Where(b => b.Name.StartsWith("hot/", StringComparison.Ordinal)).Select(b => b.Name).ToList();
        var prefix = (await Store.ListBlobsAsync(VideoStreamCatalog.Container, $"data/{name}/")).Items[0].Name.Split('/')[..3];
        string Full(string relative) => string.Join('/', prefix) + "/" + relative;

        // Crash after writing the warm blob, before its index marker: a torn leftover sits under the part's name.
        var hour = hot[0].Split('/')[1];
        await Store.PutBlockBlobAsync(new BlobPath(VideoStreamCatalog.Container, Full($"warm/{hour}/000000-000004")), new byte[] { 9, 9, 9 });
        foreach (var (info, data) in written)
        {
            Assert.Equal(data, (await fragments.ReadFragmentAsync(name, info.Number, CancellationToken.None))!.Value.ToArray());
        }

        Clock.Advance(TimeSpan.FromMinutes(56));
        var (_, restarted) = RestartedHost();
        await restarted.RunMaintenanceAsync(CancellationToken.None);

        // Crash after the marker, before the hot originals were deleted: put them back.
        foreach (var (info, data) in written)
        {
            var name19 = info.Number.ToString("D19", System.Globalization.CultureInfo.InvariantCulture);
            await Store.PutBlockBlobAsync(new BlobPath(VideoStreamCatalog.Container, Full(hot.Single(h => h.EndsWith(name19, StringComparison.Ordinal)))), data);
        }

        // And a hot blob whose index entry never made it (a crash between the two writes).
        var orphan = (written[^1].Info.Number + 5).ToString("D19", System.Globalization.CultureInfo.InvariantCulture);
        await Store.PutBlockBlobAsync(new BlobPath(VideoStreamCatalog.Container, Full($"hot/{hour}/{orphan}")), new byte[] { 7 });

        var (_, another) = RestartedHost();
        await another.RunMaintenanceAsync(CancellationToken.None);

        var after = await ListDataAsync(name);
        Assert.DoesNotContain(after, b => b.Name.StartsWith("hot/", StringComparison.Ordinal));
        Assert.Single(after, b => b.Name.StartsWith("warm/", StringComparison.Ordinal));
        foreach (var reader in new[] { fragments, restarted, another })
        {
            foreach (var (info, data) in written)
            {
                Assert.Equal(data, (await reader.ReadFragmentAsync(name, info.Number, CancellationToken.None))!.Value.ToArray());
            }
        }
    }

    [Fact]
    public async Task Retention_DeletesHoursPastItFromStorage_AndReadsNoLongerReturnThem()
    {
        var (_, fragments, name) = await StreamAsync(retentionHours: 1);
        Clock.Advance(TimeSpan.FromMinutes(10));
        var appender = await OpenAsync(fragments, name);
        var old = await WriteAsync(appender, 3);
        Clock.Advance(TimeSpan.FromHours(2));
        var recent = await WriteAsync(appender, 3);

        var before = await ListDataAsync(name);
        Assert.Equal(2, before.Count(b => b.Name.StartsWith("index/", StringComparison.Ordinal)));
        Assert.Equal(6, before.Count(b => b.Name.StartsWith("hot/", StringComparison.Ordinal)));

        Clock.Advance(TimeSpan.FromMinutes(5));
        await fragments.RunMaintenanceAsync(CancellationToken.None);

        var after = await ListDataAsync(name);
        Assert.Single(after, b => b.Name.StartsWith("index/", StringComparison.Ordinal));
        var hot = after.Where(b => b.Name.StartsWith("hot/", StringComparison.Ordinal)).Select(b => long.Parse(b.Name.Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture)).Order();
        Assert.Equal(recent.Select(r => r.Info.Number), hot);
        Assert.Null(await fragments.ReadFragmentAsync(name, old[0].Info.Number, CancellationToken.None));
        var listed = await fragments.ListAsync(name, FragmentTimestampType.ServerTimestamp, Start, Start.AddHours(4), 100, CancellationToken.None);
        Assert.Equal(recent.Select(r => r.Info.Number), listed.Select(f => f.Number));
    }

    [Fact]
    public async Task RetentionDecreasedToZero_DeletesEverything_AndNewFragmentsStayInTheLiveWindowOnly()
    {
        var (catalog, fragments, name) = await StreamAsync();
        var appender = await OpenAsync(fragments, name);
        await WriteAsync(appender, 3);
        Assert.NotEmpty(await ListDataAsync(name));

        var described = await catalog.DescribeAsync(name, null, CancellationToken.None);
        await catalog.UpdateDataRetentionAsync(name, null, described.Version, DataRetentionOperation.Decrease, 48, CancellationToken.None);
        Clock.Advance(TimeSpan.FromSeconds(2));
        await fragments.RunMaintenanceAsync(CancellationToken.None);
        Assert.DoesNotContain(await ListDataAsync(name), b => !b.Name.StartsWith("init/", StringComparison.Ordinal));

        var live = await WriteAsync(appender, 7);
        Assert.DoesNotContain(await ListDataAsync(name), b => !b.Name.StartsWith("init/", StringComparison.Ordinal));
        var latest = await fragments.LatestAsync(name, 3, CancellationToken.None);
        Assert.Equal(live.TakeLast(3).Select(l => l.Info.Number), latest.Select(l => l.Number));
        var newest = live[^1];
        Assert.Equal(newest.Data, (await fragments.ReadFragmentAsync(name, newest.Info.Number, CancellationToken.None))!.Value.ToArray());
        Assert.Null(await fragments.ReadFragmentAsync(name, live[0].Info.Number, CancellationToken.None));
    }

    [Fact]
    public async Task ARestartedHost_ReadsEverythingStoredBefore_AndContinuesTheNumbering()
    {
        var (_, fragments, name) = await StreamAsync();
        var appender = await OpenAsync(fragments, name);
        var before = await WriteAsync(appender, 5);
        appender.Close();

        var (_, restarted) = RestartedHost();
        foreach (var (info, data) in before)
        {
            Assert.Equal(data, (await restarted.ReadFragmentAsync(name, info.Number, CancellationToken.None))!.Value.ToArray());
        }

        Assert.Equal(before.Select(b => b.Info), await restarted.LatestAsync(name, 5, CancellationToken.None));
        var init = await restarted.ReadInitSegmentAsync(name, before[0].Info.InitSegmentKey, CancellationToken.None);
        Assert.Equal(new byte[] { 1, 2, 3 }, init!.Value.Data.ToArray());
        Assert.Equal("avc1.64001f", init.Value.Codecs);

        var after = await WriteAsync(await OpenAsync(restarted, name), 2);
        Assert.True(after[0].Info.Number > before[^1].Info.Number);
    }

    [Fact]
    public async Task Ordinals_RunConsecutivelyAcrossHoursSessionsHostsAndRestarts_AndTheDiscontinuityCountFollows()
    {
        var (_, first, name) = await StreamAsync();
        Clock.Advance(TimeSpan.FromMinutes(59) + TimeSpan.FromSeconds(55));
        var appender = await OpenAsync(first, name);
        var a = await WriteAsync(appender, 4);
        Assert.Contains(a, f => f.Info.ServerTime >= Start.AddHours(1));

        // A codec change within the session is a discontinuity too.
        await appender.WriteInitAsync(Init(1), CancellationToken.None);
        var changed = await appender.WriteFragmentAsync(Fragment(initId: 1) with { Discontinuity = true }, CancellationToken.None);
        appender.Close();

        // The stream idles for 30 hours; a restarted process publishes again.
        Clock.Advance(TimeSpan.FromHours(30));
        var (_, restarted) = RestartedHost();
        var b = await WriteAsync(await OpenAsync(restarted, name), 3);

        // And a publisher on another host.
        Clock.Advance(TimeSpan.FromMinutes(3));
        var (_, other) = Host();
        var c = await WriteAsync(await OpenAsync(other, name), 2);

        var all = a.Select(f => f.Info).Append(changed).Concat(b.Select(f => f.Info)).Concat(c.Select(f => f.Info)).ToList();
        Assert.Equal(Enumerable.Range(0, all.Count).Select(i => (long)i), all.Select(f => f.Ordinal));
        Assert.Equal([1L, 1, 1, 1, 2, 3, 3, 3, 4, 4], all.Select(f => f.DiscontinuityCount));

        // Every host reads the same numbers from storage alone.
        foreach (var reader in new[] { first, restarted, other, Host().Fragments, RestartedHost().Fragments })
        {
            Assert.Equal(all.TakeLast(5), await reader.LatestAsync(name, 5, CancellationToken.None));
            var listed = await reader.ListAsync(name, FragmentTimestampType.ServerTimestamp, Start, Start.AddHours(40), 100, CancellationToken.None);
            Assert.Equal(all, listed);
        }
    }

    [Fact]
    public async Task Ordinals_SurviveMaintenanceMovingTheirHourToTheWarmTier()
    {
        var (_, fragments, name) = await StreamAsync(warmAfter: TimeSpan.FromMinutes(5));
        Clock.Advance(TimeSpan.FromMinutes(10));
        var appender = await OpenAsync(fragments, name);
        var before = await WriteAsync(appender, 3);
        appender.Close();

        Clock.Advance(TimeSpan.FromMinutes(56));
        await fragments.RunMaintenanceAsync(CancellationToken.None);
        Assert.Contains(await ListDataAsync(name), b => b.Name.StartsWith("warm/", StringComparison.Ordinal));

        var (_, restarted) = RestartedHost();
        var listed = await restarted.ListAsync(name, FragmentTimestampType.ServerTimestamp, Start, Start.AddHours(2), 100, CancellationToken.None);
        Assert.Equal(before.Select(f => f.Info), listed);
        var after = await WriteAsync(await OpenAsync(restarted, name), 2);
        Assert.Equal([3L, 4], after.Select(f => f.Info.Ordinal));
        Assert.Equal([2L, 2], after.Select(f => f.Info.DiscontinuityCount));
    }

    [Fact]
    public async Task TwoWritersAppendingToOneStream_RenumberAfterEachOther_SoNoOrdinalIsUsedTwice()
    {
        // Overlapping publishers (a claim taken over from a host that is still writing) without claim checks.
        var (_, first, name) = await StreamAsync();
        var one = await OpenAsync(first, name);
        await WriteAsync(one, 2);
        var (_, second) = Host();
        var two = await OpenAsync(second, name);

        var written = new List<FragmentInfo>();
        for (var i = 0; i < 3; i++)
        {
            written.AddRange((await WriteAsync(one, 1)).Select(f => f.Info));
            written.AddRange((await WriteAsync(two, 1)).Select(f => f.Info));
        }

        Assert.Equal(written.Count, written.Select(f => f.Ordinal).Distinct().Count());
        var stored = await Host().Fragments.ListAsync(name, FragmentTimestampType.ServerTimestamp, Start, Start.AddHours(1), 100, CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (long)i), stored.Select(f => f.Ordinal).Order());
    }

    [Fact]
    public async Task AWriterWhoseClaimWasTakenOver_StopsAtItsNextIndexConflict_InsteadOfRenumbering()
    {
        var (catalog, first, name) = await StreamAsync();
        var stale = await ClaimAndOpenAsync(catalog, first, name, "old", "a");
        await WriteAsync(stale, 2);

        // Its claim expires (the host paused); another host takes the stream over and publishes.
        Clock.Advance(TimeSpan.FromSeconds(40));
        var (otherCatalog, other) = Host();
        var current = await ClaimAndOpenAsync(otherCatalog, other, name, "new", "b");
        var taken = await WriteAsync(current, 1);

        await Assert.ThrowsAsync<InvalidOperationException>(() => WriteAsync(stale, 1));
        var more = await WriteAsync(current, 1);
        Assert.Equal([2L, 3], taken.Concat(more).Select(f => f.Info.Ordinal));
    }

    [Fact]
    public async Task AWriterWhoseClaimWasTakenOver_StopsBeforeAppendingToAnHourItHasSeenTheNewWriterUse()
    {
        var (catalog, first, name) = await StreamAsync();
        Clock.Advance(TimeSpan.FromMinutes(59));
        var stale = await ClaimAndOpenAsync(catalog, first, name, "old", "a");
        await WriteAsync(stale, 2);

        // Past the hour the stream has a new publisher on another host, and the stale writer's host reads its fragments.
        Clock.Advance(TimeSpan.FromMinutes(2));
        var (otherCatalog, other) = Host();
        var current = await ClaimAndOpenAsync(otherCatalog, other, name, "new", "b");
        var taken = await WriteAsync(current, 2);
        var read = await first.ListAsync(name, FragmentTimestampType.ServerTimestamp, Start, Start.AddHours(2), 100, CancellationToken.None);
        Assert.Equal(taken.Select(f => f.Info), read.TakeLast(2));

        // Its append position in the new hour would match what it read, but the ordinals there are taken.
        await Assert.ThrowsAsync<InvalidOperationException>(() => WriteAsync(stale, 1));
        var listed = await Host().Fragments.ListAsync(name, FragmentTimestampType.ServerTimestamp, Start, Start.AddHours(2), 100, CancellationToken.None);
        Assert.Equal([0L, 1, 2, 3], listed.Select(f => f.Ordinal));
    }

    [Fact]
    public async Task WaitForFragment_IsWokenByAWriteOnThisHost_AndByPollingOnAnother()
    {
        var (_, fragments, name) = await StreamAsync();
        var appender = await OpenAsync(fragments, name);
        var first = await WriteAsync(appender, 1);
        var (_, other) = Host();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var here = fragments.WaitForFragmentAsync(name, first[0].Info.Number, timeout.Token);
        var there = other.WaitForFragmentAsync(name, first[0].Info.Number, timeout.Token);
        await Task.Delay(100);
        Assert.False(here.IsCompleted);
        Assert.False(there.IsCompleted);

        await WriteAsync(appender, 1);
        await here;
        await there;
        await fragments.WaitForFragmentAsync(name, 0, timeout.Token);
    }

    [Fact]
    public async Task Readers_TreatAnUnknownStream_AsTheContractSays()
    {
        var (_, fragments) = Host();
        await Assert.ThrowsAsync<KeyNotFoundException>(async () => await fragments.ListAsync("nope", FragmentTimestampType.ServerTimestamp, Start, Start.AddHours(1), 10, CancellationToken.None));
        await Assert.ThrowsAsync<KeyNotFoundException>(async () => await fragments.LatestAsync("nope", 3, CancellationToken.None));
        Assert.Null(await fragments.ReadFragmentAsync("nope", 1, CancellationToken.None));
        Assert.Null(await fragments.ReadInitSegmentAsync("nope", "1-0", CancellationToken.None));
        Assert.Null(await fragments.ReadInitSegmentAsync("nope", "../x", CancellationToken.None));
    }
}

public sealed class EmbeddedFragmentStoreTests : FragmentStoreTests, IDisposable
{
    private readonly EmbeddedFolder _folder = new();
    private readonly Platform.Storage.Embedded.EmbeddedBlobStore _store;

    public EmbeddedFragmentStoreTests() => _store = _folder.Open();

    protected override IBlobStore Store => _store;

    protected override IBlobStore OpenStore() => _folder.Open();

    public void Dispose()
    {
        _store.Dispose();
        _folder.Dispose();
    }
}

public sealed class AzuriteFragmentStoreTests(VideoAzuriteFixture azurite) : FragmentStoreTests, IClassFixture<VideoAzuriteFixture>, IDisposable
{
    private readonly Platform.Storage.Azure.AzureBlobStore _store = AzuriteStores.Open(azurite);

    protected override IBlobStore Store => _store;

    protected override IBlobStore OpenStore() => AzuriteStores.Open(azurite);

    public void Dispose() => _store.Dispose();
}
