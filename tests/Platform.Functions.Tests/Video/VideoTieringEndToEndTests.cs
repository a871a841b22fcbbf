using System.Globalization;
using Platform.Storage;
using Platform.Storage.Azure;
using Platform.Storage.Embedded;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.Functions.Tests.Video;

/// <summary>
/// The warm tier and retention through the real host process. Both act on closed UTC hours (an hour goes warm once
/// its end + WarmAfter has passed, and is deleted once its end is older than the retention), so the host runs on a
/// wall clock moved by libfaketime: first to just before an hour boundary, which ffmpeg publishes across, then, after
/// a SIGKILL, to just before the first hour expires. The storage backend is checked by listing its blobs from here.
/// </summary>
public sealed class VideoTieringEndToEndTests(ITestOutputHelper output) : IDisposable
{
    private const string Stream = "tiered";

    /// <summary>Faked time before a moment of interest at which a host starts; its start-up and first fragment fit in this.</summary>
    private static readonly TimeSpan StartLead = TimeSpan.FromMinutes(10);

    /// <summary>Faked seconds before the hour boundary the clock jumps to once the publisher is storing.</summary>
    private static readonly TimeSpan BoundaryLead = TimeSpan.FromSeconds(8);

    /// <summary>How much of the second hour is published: after the restart, its fragments stay visible for this long once the first hour expires.</summary>
    private static readonly TimeSpan SecondHourFootage = TimeSpan.FromSeconds(24);

    /// <summary>Faked seconds before the first hour expires that the restarted host's clock jumps to.</summary>
    private static readonly TimeSpan ExpiryLead = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan StorageTimeout = TimeSpan.FromSeconds(20);

    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("platform-video-tier-").FullName;

    public void Dispose() => Directory.Delete(_workingDirectory, recursive: true);

    [Fact]
    public async Task AClosedHourMovesToOneCoolWarmBlob_AndPlays_AndAfterARestartRetentionDeletesIt_OnEmbeddedStorage()
    {
        using var store = EmbeddedBlobStore.Open(new EmbeddedBlobStoreOptions { DataPath = Path.Combine(_workingDirectory, "data") });
        await TierAndExpireAsync(store, new Dictionary<string, string>());
    }

    [Fact]
    public async Task AClosedHourMovesToOneCoolWarmBlob_AndPlays_AndAfterARestartRetentionDeletesIt_OnAzurite()
    {
        // Azurite does not check x-ms-date against its own clock, so a host hours ahead of it is accepted; its blobs'
        // Last-Modified are Azurite's real time (only unused init segments are aged by that, and the one here is used).
        await using var azurite = await AzuriteServer.StartAsync();
        using var store = AzureBlobStore.FromConnectionString(azurite.ConnectionString);
        await TierAndExpireAsync(store, new Dictionary<string, string>
        {
            ["Platform__Storage__Backend"] = "AzureBlob",
            ["Platform__Storage__ConnectionString"] = azurite.ConnectionString,
        });
    }

    private async Task TierAndExpireAsync(IBlobStore store, Dictionary<string, string> settings)
    {
        settings["Platform__Video__MaintenanceInterval"] = "00:00:01";
        var realStart = DateTimeOffset.UtcNow;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        void Step(string what) => output.WriteLine($"{watch.Elapsed.TotalSeconds,6:F1} s  {what}");
        var boundary = new DateTimeOffset(realStart.Year, realStart.Month, realStart.Day, realStart.Hour, 0, 0, TimeSpan.Zero).AddHours(3);
        var firstHour = StoreHour(boundary.AddHours(-1));
        var secondHour = StoreHour(boundary);

        // 1. A host started well before an hour boundary; once ffmpeg's fragments are being stored, its clock jumps to
        // just before the boundary, which ffmpeg then publishes across.
        List<ListedFragment> phase1;
        using var clock = FakeWallClock.Showing(boundary - StartLead);
        await using (var host = await VideoHost.StartAsync(_workingDirectory, settings, clock: clock))
        {
            Step($"host healthy, its clock at {host.Now:O}");
            await host.PostAsync("createStream", new { StreamName = Stream, DataRetentionInHours = 2, WarmAfterSeconds = 1 });
            await using (var ffmpeg = VideoEndToEndTests.Publish(host, Stream, seconds: 120))
            {
                await host.WaitForFragmentsAsync(Stream, boundary.AddHours(-1), 1, TimeSpan.FromSeconds(60));
                await clock.JumpToAsync(boundary - BoundaryLead);
                Step($"storing; clock moved to {host.Now:O}");

                // Just before the boundary: the first hour is hot, one hot blob per fragment listed (a blob is written
                // before its index entry, so a fragment being stored may add one more).
                await Task.Delay(host.Clock!.Until(boundary.AddSeconds(-2)));
                // Fragments keep arriving meanwhile, so the blobs are counted between two listings.
                var hot = await host.ListFragmentsAsync(Stream, boundary.AddHours(-1), boundary);
                var hotBlobs = await ListStreamBlobsAsync(store);
                var hotAfter = await host.ListFragmentsAsync(Stream, boundary.AddHours(-1), boundary);
                Step($"before the boundary: {hot.Count} fragments, {hotBlobs.Hot(firstHour).Count} hot blobs");
                Assert.True(hot.Count >= 1, $"nothing stored by {host.Now:O}, 2 s before the faked hour boundary.\nhost:\n{host.Process.Output}");
                Assert.InRange(hotBlobs.Hot(firstHour).Count, hot.Count, hotAfter.Count + 1);
                Assert.Empty(hotBlobs.Warm(firstHour));

                var live = await WaitForFragmentsUntilAsync(host, boundary.AddHours(-1), boundary + SecondHourFootage);
                Step($"published across the boundary: first fragment at {Time(live[0]):O}");
                Assert.Equal(hot, live.Take(hot.Count));
                var quit = await ffmpeg.QuitAsync(TimeSpan.FromSeconds(15));
                Assert.True(quit == 0, $"ffmpeg exited with {quit}: {ffmpeg.StandardError}\nhost:\n{host.Process.Output}");
                await WaitUntilNotLiveAsync(host);
                phase1 = await host.ListFragmentsAsync(Stream, boundary.AddHours(-1), boundary.AddHours(1));
                Assert.Equal(live, phase1.Take(live.Count));
            }

            var first = phase1.Where(f => Time(f) < boundary).ToList();
            var second = phase1.Where(f => Time(f) >= boundary).ToList();
            Assert.True(first.Count >= 1 && second.Count >= 5, $"fragments before / after the boundary: {first.Count} / {second.Count}");

            // The closed hour: its hot blobs are gone, one warm block blob in the Cool tier holds exactly its fragments'
            // bytes, and its index stays. The open hour is still hot, one blob per fragment.
            var blobs = await WaitForBlobsAsync(store, b => b.Hot(firstHour).Count == 0 && b.Warm(firstHour).Count > 0, "the first hour moved to the warm tier", host);
            Step("publisher gone, first hour warm");

            // Everything listed while the first hour was hot is listed again, unchanged, now that it is warm.
            Assert.Equal(phase1, await host.ListFragmentsAsync(Stream, boundary.AddHours(-1), boundary.AddHours(1)));
            var warm = Assert.Single(blobs.Warm(firstHour));
            Assert.Equal(BlobType.Block, warm.BlobType);
            Assert.Equal(AccessTier.Cool, warm.AccessTier);
            Assert.Equal(first.Sum(f => f.Size), warm.Length);
            Assert.Equal(second.Count, blobs.Hot(secondHour).Count);
            Assert.All(blobs.Hot(secondHour), b => Assert.Equal(AccessTier.Hot, b.AccessTier));
            Assert.Empty(blobs.Warm(secondHour));
            Assert.NotNull(blobs.Index(firstHour));
            Assert.NotNull(blobs.Index(secondHour));

            // The archive from the warm hour into the hot one decodes as one, and each fragment read back from the warm
            // blob (by its byte range) decodes alone after its init segment, starting on a keyframe.
            var across = phase1.Take(first.Count + 3).ToList();
            var session = new Uri(await host.OnDemandSessionUrlAsync(Stream, Time(across[0]).AddSeconds(-1), Time(across[^1]).AddMilliseconds(1)));
            var (duration, _) = await HlsProbe.DecodeAsync(session.ToString());
            var acrossSeconds = across.Sum(f => f.LengthMilliseconds) / 1000.0;
            Assert.InRange(duration, acrossSeconds - 0.5, acrossSeconds + 0.5);
            var (init, uris) = await host.MediaPlaylistAsync(session);
            Assert.Equal(across.Count, uris.Count);
            await HlsProbe.AssertEveryFragmentStartsWithAKeyframeAsync(host.Client, init, uris.Take(first.Count).ToList());

            Step("archive decoded");
            await host.Process.KillAsync();
        }

        // 2. Killed, and started again on the same storage with its clock before the first hour's end is an hour old.
        // Retention is still 2 h: nothing of the first hour is gone. Lowered to 1 h, and the clock moved to just before
        // the first hour expires, maintenance deletes its warm blob and index; the second hour (closed by then) goes warm.
        var expiry = boundary.AddHours(1);
        await clock.JumpToAsync(expiry - StartLead);
        await using (var host = await VideoHost.StartAsync(_workingDirectory, settings, clock: clock))
        {
            Step($"restarted, its clock at {host.Now:O}");
            var before = await ListStreamBlobsAsync(store);
            Assert.True(before.Warm(firstHour).Count == 1 && before.Index(firstHour) is not null, $"the first hour after the restart:\n{before}");

            var described = await host.PostAsync("describeStream", new { StreamName = Stream });
            await host.PostAsync("updateDataRetention", new
            {
                StreamName = Stream,
                CurrentVersion = described.GetProperty("StreamInfo").GetProperty("Version").GetString(),
                Operation = "DECREASE_DATA_RETENTION",
                DataRetentionChangeInHours = 1,
            });

            await clock.JumpToAsync(expiry - ExpiryLead);
            await Task.Delay(host.Clock!.Until(expiry));
            var after = await WaitForBlobsAsync(store,
                b => !b.All.Any(x => x.Hour == firstHour) && b.Hot(secondHour).Count == 0 && b.Warm(secondHour).Count > 0,
                "the first hour deleted and the second moved to the warm tier", host);
            Step("first hour deleted, second warm");
            Assert.Null(after.Index(firstHour));
            Assert.NotNull(after.Index(secondHour));
            Assert.Equal(phase1.Where(f => Time(f) >= boundary).Sum(f => f.Size), after.Warm(secondHour).Sum(b => b.Length));
            Assert.NotEmpty(after.Init);

            // What is listed now is the part of the second hour younger than an hour, unchanged, and nothing older.
            var cutoff = host.Now.AddHours(-1);
            var listed = await host.ListFragmentsAsync(Stream, boundary.AddHours(-1), boundary.AddHours(1));
            Assert.DoesNotContain(listed, f => Time(f) < boundary);
            Assert.NotEmpty(listed);
            Assert.Equal(phase1.TakeLast(listed.Count), listed);
            Assert.True(Time(listed[0]) >= cutoff.AddSeconds(-1), $"listed from {Time(listed[0]):O}, retention cutoff {cutoff:O}");

            // It plays from the warm tier. Its oldest fragments are expiring second by second, so the session starts
            // a few seconds inside the kept range (ffprobe reads the first fragment well before that one expires).
            var from = host.Now.AddHours(-1).AddSeconds(8);
            var kept = listed.Where(f => Time(f) >= from).ToList();
            Assert.True(kept.Count >= 2, $"only {kept.Count} fragments younger than an hour left to play: the restart took too long.\nhost:\n{host.Process.Output}");
            var session = await host.OnDemandSessionUrlAsync(Stream, from, Time(listed[^1]).AddSeconds(1));
            var (duration, _) = await HlsProbe.DecodeAsync(session);
            var keptSeconds = kept.Sum(f => f.LengthMilliseconds) / 1000.0;
            Assert.InRange(duration, keptSeconds - 0.5, keptSeconds + 0.5);
            Step($"second hour decoded ({kept.Count} fragments)");
        }
    }

    private static DateTimeOffset Time(ListedFragment fragment) => DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(fragment.ServerTimestamp * 1000));

    private static string StoreHour(DateTimeOffset hour) => hour.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture);

    /// <summary>Polls ListFragments until a fragment stored at or after <paramref name="until"/> is listed.</summary>
    private static async Task<List<ListedFragment>> WaitForFragmentsUntilAsync(VideoHost host, DateTimeOffset from, DateTimeOffset until)
    {
        var deadline = DateTimeOffset.UtcNow + host.Clock!.Until(until) + TimeSpan.FromSeconds(30);
        while (true)
        {
            var listed = await host.WaitForFragmentsAsync(Stream, from, 1, TimeSpan.FromSeconds(60));
            if (Time(listed[^1]) >= until)
            {
                return listed;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"no fragment stored after {until:O} (host time {host.Now:O}); newest {Time(listed[^1]):O}.\nhost:\n{host.Process.Output}");
            await Task.Delay(250);
        }
    }

    /// <summary>The publisher's claim is released once its session has stored its last fragment.</summary>
    private static async Task WaitUntilNotLiveAsync(VideoHost host)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(15);
        while ((await host.PostAsync("describeStream", new { StreamName = Stream })).GetProperty("StreamInfo").GetProperty("IsLive").GetBoolean())
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"the stream is still live 15 s after ffmpeg quit.\nhost:\n{host.Process.Output}");
            await Task.Delay(100);
        }
    }

    private static async Task<StreamBlobs> WaitForBlobsAsync(IBlobStore store, Func<StreamBlobs, bool> condition, string what, VideoHost host)
    {
        var deadline = DateTimeOffset.UtcNow + StorageTimeout;
        while (true)
        {
            var blobs = await ListStreamBlobsAsync(store);
            if (condition(blobs))
            {
                return blobs;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"not seen in storage within {StorageTimeout}: {what} (host time {host.Now:O}). Blobs:\n{blobs}\nhost:\n{host.Process.Output}");
            await Task.Delay(200);
        }
    }

    private static async Task<StreamBlobs> ListStreamBlobsAsync(IBlobStore store)
    {
        var items = new List<BlobProperties>();
        string? token = null;
        do
        {
            var page = await store.ListBlobsAsync("platform-video", $"data/{Stream}/", token);
            items.AddRange(page.Items);
            token = page.ContinuationToken;
        }
        while (token is not null);
        return new StreamBlobs([.. items.Select(StoredBlob.Of)]);
    }

    /// <summary>One blob of the stream, by the layout of docs/video-store.md: <c>data/{name}/{incarnation}/{kind}/{hour}[/…]</c>.</summary>
    private sealed record StoredBlob(string Kind, string? Hour, BlobProperties Properties)
    {
        public static StoredBlob Of(BlobProperties blob)
        {
            var parts = blob.Name.Split('/');
            return new StoredBlob(parts[3], parts[3] is "hot" or "warm" or "index" ? parts[4] : null, blob);
        }
    }

    private sealed record StreamBlobs(IReadOnlyList<StoredBlob> All)
    {
        public List<BlobProperties> Hot(string hour) => Of("hot", hour);

        public List<BlobProperties> Warm(string hour) => Of("warm", hour);

        public BlobProperties? Index(string hour) => Of("index", hour).SingleOrDefault();

        public List<BlobProperties> Init => [.. All.Where(b => b.Kind == "init").Select(b => b.Properties)];

        public override string ToString() => string.Join('\n', All.Select(b => $"{b.Properties.Name} {b.Properties.BlobType} {b.Properties.AccessTier} {b.Properties.Length}"));

        private List<BlobProperties> Of(string kind, string hour) => [.. All.Where(b => b.Kind == kind && b.Hour == hour).Select(b => b.Properties)];
    }
}
