using Platform.Storage.Embedded;
using Platform.Storage.Tests.Infrastructure;
using Platform.TestWorker;

namespace Platform.Storage.Tests.Embedded;

/// <summary>Real processes on one data folder: shared writers, and writers killed with SIGKILL mid-append.</summary>
public sealed class EmbeddedDurabilityTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ProcessesSharingOneDataFolder_LoseAndInterleaveNoAppend()
    {
        using var folder = new TempFolder();
        var blob = new BlobPath("shared", "log");
        using (var store = EmbeddedBlobStore.Open(new EmbeddedBlobStoreOptions { DataPath = folder.Path }))
        {
            await store.CreateContainerIfNotExistsAsync(blob.Container);
            await store.CreateAppendBlobAsync(blob);
        }

        var workers = Enumerable.Range(1, 3).Select(w => WorkerProcess.StartAppending(folder.Path, blob, w, count: 60, minSize: 64, maxSize: 8192)).ToList();
        try
        {
            // This process appends too, through its own store instance.
            using var local = EmbeddedBlobStore.Open(new EmbeddedBlobStoreOptions { DataPath = folder.Path });
            var localAcks = new List<WorkerProcess.Ack>();
            for (var i = 0; i < 60; i++)
            {
                var record = TestRecord.Create(0, i, 100 + i);
                var result = await local.AppendBlockAsync(blob, record);
                localAcks.Add(new WorkerProcess.Ack(0, i, result.Offset, record.Length));
            }

            foreach (var worker in workers)
            {
                await worker.WaitForDoneAsync(Patience);
            }

            var content = (await local.ReadAsync(blob)).Content;
            var records = RecordLog.ParseWhole(content.Span);
            var acks = workers.SelectMany(w => w.Acks).Concat(localAcks).ToList();
            Assert.Equal(240, acks.Count);
            Assert.Equal(240, records.Count);
            RecordLog.AssertAcknowledgedPresent(records, acks);
        }
        finally
        {
            workers.ForEach(w => w.Dispose());
        }
    }

    [Fact]
    public async Task WriterKilledMidAppend_LosesNoAcknowledgedAppend_AndNothingPartialIsReturned()
    {
        using var folder = new TempFolder();
        var blob = new BlobPath("crash", "segments/000001");
        using (var store = EmbeddedBlobStore.Open(new EmbeddedBlobStoreOptions { DataPath = folder.Path }))
        {
            await store.CreateContainerIfNotExistsAsync(blob.Container);
            await store.CreateAppendBlobAsync(blob);
        }

        var allAcks = new List<WorkerProcess.Ack>();
        var random = new Random(7);
        for (var round = 0; round < 4; round++)
        {
            // Large records keep each append in flight long enough for the kill to land inside one.
            using var worker = WorkerProcess.StartAppending(folder.Path, blob, round + 1, count: int.MaxValue, minSize: 16 * 1024, maxSize: 1024 * 1024);
            await worker.WaitForAcksAsync(20 + random.Next(20), Patience);
            await Task.Delay(random.Next(0, 15));
            await worker.KillHardAsync();
            allAcks.AddRange(worker.Acks);

            // "Restart": a new store instance over the same folder must see every acknowledged append intact.
            using var reopened = EmbeddedBlobStore.Open(new EmbeddedBlobStoreOptions { DataPath = folder.Path });
            var records = RecordLog.ParseWhole((await reopened.ReadAsync(blob)).Content.Span);
            RecordLog.AssertAcknowledgedPresent(records, allAcks);
        }

        // And the blob still takes appends after the crashes, right after the last whole record.
        using var store2 = EmbeddedBlobStore.Open(new EmbeddedBlobStoreOptions { DataPath = folder.Path });
        var length = (await store2.GetPropertiesAsync(blob)).Length;
        var appended = await store2.AppendBlockAsync(blob, TestRecord.Create(99, 0, 500), new AppendConditions { AppendPosition = length });
        Assert.Equal(length, appended.Offset);
        RecordLog.ParseWhole((await store2.ReadAsync(blob)).Content.Span);
    }

    [Fact]
    public async Task ProcessesRacingToCreateOneBlobIfAbsent_ProduceExactlyOneWinner()
    {
        using var folder = new TempFolder();
        var blob = new BlobPath("claims", "leader");
        using (var store = EmbeddedBlobStore.Open(new EmbeddedBlobStoreOptions { DataPath = folder.Path }))
        {
            await store.CreateContainerIfNotExistsAsync(blob.Container);
        }

        var go = Path.Combine(folder.Path, "go");
        var workers = Enumerable.Range(1, 6).Select(w => WorkerProcess.StartClaiming(folder.Path, blob, w, go)).ToList();
        try
        {
            // Start the race only when every process is up and polling for the signal.
            var deadline = DateTime.UtcNow + Patience;
            while (workers.Any(w => !w.Lines.Contains("READY")))
            {
                Assert.True(DateTime.UtcNow < deadline, "workers did not get ready");
                await Task.Delay(10);
            }

            await File.WriteAllTextAsync(go, "go");
            foreach (var worker in workers)
            {
                await worker.WaitForDoneAsync(Patience);
            }

            var winners = workers.Where(w => w.Lines.Contains("WON")).ToList();
            var winner = Assert.Single(winners);
            Assert.Equal(5, workers.Count(w => w.Lines.Contains("LOST")));
            using var reader = EmbeddedBlobStore.Open(new EmbeddedBlobStoreOptions { DataPath = folder.Path });
            var owner = System.Text.Encoding.UTF8.GetString((await reader.ReadAsync(blob)).Content.Span);
            Assert.Equal($"owner-{workers.IndexOf(winner) + 1}", owner);
        }
        finally
        {
            workers.ForEach(w => w.Dispose());
        }
    }
}
