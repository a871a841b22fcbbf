using System.Collections.Concurrent;
using System.Text;
using Platform.Storage;
using Platform.Storage.Azure;
using Platform.Storage.Embedded;
using Platform.Streams.Log;
using Platform.Streams.Records;
using Platform.Testing;

namespace Platform.Streams.Tests;

/// <summary>The shard log on a real store; each backend runs the same tests.</summary>
public abstract class ShardLogTests : IAsyncLifetime
{
    private static readonly ShardLogOptions SmallSegments = new() { SegmentMaxBytes = 4096 };
    private readonly string _container = "s" + Guid.NewGuid().ToString("N")[..20];

    protected abstract IBlobStore Store { get; }

    public virtual async Task InitializeAsync() => await Store.CreateContainerIfNotExistsAsync(_container);

    public virtual async Task DisposeAsync() => await Store.DeleteContainerIfExistsAsync(_container);

    private Task<ShardLog> OpenAsync(ShardLogOptions? options = null) =>
        ShardLog.OpenAsync(Store, _container, "streams/orders/shardId-000000000000", options);

    private static StreamRecordData Record(string key, string data) =>
        new(key, null, DateTimeOffset.FromUnixTimeMilliseconds(1_763_800_000_000), Encoding.UTF8.GetBytes(data));

    private static async Task<List<ShardRecord>> ReadAllAsync(ShardLog log)
    {
        var all = new List<ShardRecord>();
        var position = new SequenceNumber(0, 0);
        while (true)
        {
            var read = await log.ReadAsync(position, 37);
            all.AddRange(read.Records);
            Assert.Empty(read.Corrupt);
            position = read.Next;
            if (read.CaughtUp)
            {
                return all;
            }
        }
    }

    [Fact]
    public async Task AppendedBatches_ReadBackInOrder_WithTheSequenceNumbersTheAppendReturned()
    {
        using var log = await OpenAsync();
        var first = await log.AppendAsync([Record("a", "one"), Record("b", "two")]);
        var second = await log.AppendAsync([Record("c", "three")]);

        var records = await ReadAllAsync(log);

        Assert.Equal(["one", "two", "three"], records.Select(r => Encoding.UTF8.GetString(r.Record.Data.Span)));
        Assert.Equal(first.Concat(second), records.Select(r => r.SequenceNumber));
        Assert.True(first[0] < first[1] && first[1] < second[0]);
    }

    [Fact]
    public async Task FullSegments_RollOver_AndReadsContinueAcrossThem()
    {
        using var log = await OpenAsync(SmallSegments);
        var expected = new List<SequenceNumber>();
        for (var i = 0; i < 60; i++)
        {
            expected.AddRange(await log.AppendAsync([Record($"k{i}", new string('x', 150) + i)]));
        }

        var records = await ReadAllAsync(log);

        Assert.True(log.CurrentSegment >= 2, $"only {log.CurrentSegment + 1} segments were used");
        Assert.Equal(expected, records.Select(r => r.SequenceNumber));
        Assert.Equal(Enumerable.Range(0, 60).Select(i => new string('x', 150) + i), records.Select(r => Encoding.UTF8.GetString(r.Record.Data.Span)));
    }

    [Fact]
    public async Task FrameReads_LocateTheSameRecordsAsReads_AcrossSegmentRolls_AndTellTheLastAppendEnd()
    {
        using var log = await OpenAsync(SmallSegments);
        Assert.Null(log.LastAppendEnd);
        var expected = new List<SequenceNumber>();
        for (var i = 0; i < 60; i++)
        {
            expected.AddRange(await log.AppendAsync([Record($"k{i}", new string('y', 120) + i)]));
        }

        var sequenceNumbers = new List<SequenceNumber>();
        var keys = new List<string>();
        var data = new List<string>();
        var position = new SequenceNumber(0, 0);
        ScannedFrame[]? reuse = null;
        while (true)
        {
            var frames = await log.ReadFramesAsync(position, 7, 0, reuse);
            Assert.Empty(frames.Corrupt);
            for (var i = 0; i < frames.Count; i++)
            {
                var slice = frames.Slices[i];
                sequenceNumbers.Add(frames.SequenceNumberOf(i));
                keys.Add(Encoding.UTF8.GetString(frames.Buffer.Span.Slice(slice.KeyStart, slice.KeyLength)));
                data.Add(Encoding.UTF8.GetString(frames.Buffer.Span.Slice(slice.DataStart, slice.DataLength)));
                Assert.Equal(1_763_800_000_000, slice.ArrivalUnixMs);
            }

            reuse = frames.Slices;
            position = frames.Next;
            if (frames.CaughtUp)
            {
                break;
            }
        }

        Assert.Equal(expected, sequenceNumbers);
        Assert.Equal(Enumerable.Range(0, 60).Select(i => $"k{i}"), keys);
        Assert.Equal(Enumerable.Range(0, 60).Select(i => new string('y', 120) + i), data);
        Assert.Equal(position, log.LastAppendEnd);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(500)]
    public async Task ReadsSizedToTheirLimit_ReturnEveryRecordOnce_EvenOnesLargerThanTheFirstStorageRead(int limit)
    {
        // Small records around records near the 1 MiB maximum: a read of a few small records fetches little from
        // storage, and a large record past that first read is still returned whole.
        using var log = await OpenAsync();
        var sizes = new[] { 10, 900 * 1024, 20, 30, 1000 * 1024, 40, 700 * 1024, 50 };
        var expected = new List<SequenceNumber>();
        foreach (var (size, i) in sizes.Select((size, i) => (size, i)))
        {
            expected.AddRange(await log.AppendAsync([Record($"k{i}", new string((char)('a' + i), size))]));
        }

        var read = new List<ShardRecord>();
        var position = new SequenceNumber(0, 0);
        for (var reads = 0; ; reads++)
        {
            Assert.True(reads < 100, "the reads do not reach the end");
            var chunk = await log.ReadAsync(position, limit, 2 * 1024 * 1024);
            Assert.Empty(chunk.Corrupt);
            Assert.InRange(chunk.Records.Count, chunk.CaughtUp ? 0 : 1, limit);
            read.AddRange(chunk.Records);
            position = chunk.Next;
            if (chunk.CaughtUp)
            {
                break;
            }
        }

        Assert.Equal(expected, read.Select(r => r.SequenceNumber));
        Assert.Equal(sizes, read.Select(r => r.Record.Data.Length));
        Assert.All(read.Select((r, i) => (r, i)), x => Assert.True(x.r.Record.Data.Span.IndexOfAnyExcept((byte)('a' + x.i)) < 0));
    }

    [Fact]
    public async Task FrameReads_HandTheirPooledBuffersBack_OnDispose_WhileDecodedRecordsKeepTheirData()
    {
        using var log = await OpenAsync();
        await log.AppendAsync([.. Enumerable.Range(0, 50).Select(i => Record($"k{i}", $"record {i} " + new string('x', 900)))]);

        var frames = await log.ReadFramesAsync(new SequenceNumber(0, 0), 50, long.MaxValue);
        Assert.Equal(50, frames.Frames.Count);
        var records = frames.Frames.Select(f => f.ToRecord()).ToList();
        frames.Dispose();
        frames.Dispose(); // twice is harmless: nothing goes back to the pool twice

        Assert.Empty(frames.Frames); // no slice of a buffer that is someone else's now
        // Reads that rent the same buffers and overwrite them do not reach records decoded earlier.
        await log.AppendAsync([.. Enumerable.Range(0, 50).Select(i => Record($"z{i}", new string('z', 950)))]);
        for (var i = 0; i < 4; i++)
        {
            using var other = await log.ReadFramesAsync(new SequenceNumber(0, 0), 100, long.MaxValue);
            Assert.Equal(100, other.Frames.Count);
        }

        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"record {i} " + new string('x', 900)), records.Select(r => Encoding.UTF8.GetString(r.Record.Data.Span)));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"k{i}"), records.Select(r => r.Record.PartitionKey));
    }

    [Fact]
    public async Task ReadingAFewSmallRecords_FetchesLittleFromStorage_NotAWholeReadChunk()
    {
        var (counting, counter) = CountingBlobStore.Wrap(Store);
        using var log = await ShardLog.OpenAsync(counting, _container, "streams/orders/shardId-000000000000");
        for (var i = 0; i < 40; i++)
        {
            await log.AppendAsync([.. Enumerable.Range(0, 100).Select(j => Record($"k{i}-{j}", new string('d', 1000)))]);
        }

        var before = counter.RangeBytesRequested;
        var one = await log.ReadAsync(new SequenceNumber(0, 0), 1, 10 * 1024 * 1024);
        var oneRead = counter.RangeBytesRequested - before;
        before = counter.RangeBytesRequested;
        var many = await log.ReadAsync(one.Next, 2000, 1024 * 1024);
        var manyRead = counter.RangeBytesRequested - before;

        Assert.Single(one.Records);
        Assert.InRange(oneRead, 1, 64 * 1024);
        Assert.InRange(many.Records.Count, 900, 1048); // 1 MiB of 1,000-byte records
        Assert.InRange(manyRead, 1024 * 1024, 1024 * 1024 * 3 / 2); // the answer's bytes and some room, not 4 MiB
        Assert.All(many.Records, r => Assert.Equal(1000, r.Record.Data.Length));
    }

    [Fact]
    public async Task ATailReadThatTakesTheLastRecords_IsCaughtUpAfterOneStorageRead_WithoutProbingPastTheEnd()
    {
        var (counting, counter) = CountingBlobStore.Wrap(Store);
        using var log = await ShardLog.OpenAsync(counting, _container, "streams/orders/shardId-000000000000");
        var appended = await log.AppendAsync([Record("a", "one"), Record("b", "two")]);

        counter.Calls.Clear();
        var read = await log.ReadAsync(appended[0], 100);

        Assert.Equal(new[] { "one", "two" }, read.Records.Select(r => Encoding.UTF8.GetString(r.Record.Data.Span)));
        Assert.True(read.CaughtUp);
        Assert.Equal(1, counter.CallsOn(_container));

        // At the end, with nothing new, the next read says so; a record appended later is found from the same position.
        var empty = await log.ReadAsync(read.Next, 100);
        Assert.Empty(empty.Records);
        Assert.True(empty.CaughtUp);
        Assert.Equal(read.Next, empty.Next);
        await log.AppendAsync([Record("c", "three")]);
        var next = await log.ReadAsync(empty.Next, 100);
        Assert.Equal(new[] { "three" }, next.Records.Select(r => Encoding.UTF8.GetString(r.Record.Data.Span)));
    }

    [Fact]
    public async Task APollWithNothingNew_CostsOneStorageRequest_ForRecordAndFrameReadsAlike()
    {
        var (counting, counter) = CountingBlobStore.Wrap(Store);
        using var log = await ShardLog.OpenAsync(counting, _container, "streams/orders/shardId-000000000000");
        await log.AppendAsync([Record("a", "one"), Record("b", "two")]);
        var end = (await log.ReadAsync(new SequenceNumber(0, 0), 100)).Next;

        counter.Calls.Clear();
        var empty = await log.ReadAsync(end, 100);
        Assert.Empty(empty.Records);
        Assert.True(empty.CaughtUp);
        Assert.Equal(end, empty.Next);
        Assert.Equal(1, counter.CallsOn(_container)); // it was two: a refused range, then a properties call

        counter.Calls.Clear();
        var frames = await log.ReadFramesAsync(end, 100, 64 * 1024, reuse: null);
        Assert.Equal(0, frames.Count);
        Assert.True(frames.CaughtUp);
        Assert.Equal(1, counter.CallsOn(_container));

        // Polling from the end finds what comes next, from its first byte.
        await log.AppendAsync([Record("c", "three")]);
        var next = await log.ReadAsync(empty.Next, 100);
        Assert.Equal(new[] { "three" }, next.Records.Select(r => Encoding.UTF8.GetString(r.Record.Data.Span)));
        Assert.Equal(end, next.Records[0].SequenceNumber);
    }

    [Fact]
    public async Task APollAtTheEndOfASegmentThatWasSealedSince_MovesOnToTheRecordsInTheNextSegment()
    {
        using var log = await OpenAsync(SmallSegments);
        await log.AppendAsync([Record("a", new string('x', 900))]);
        var caughtUp = await log.ReadAsync(new SequenceNumber(0, 0), 100);
        Assert.True(caughtUp.CaughtUp);
        Assert.Equal(0u, caughtUp.Next.Segment);

        // More records than the 4 KiB segment takes: it is sealed and the log goes on in the next one.
        var later = Enumerable.Range(0, 6).Select(i => Record($"k{i}", new string('y', 900))).ToList();
        foreach (var record in later)
        {
            await log.AppendAsync([record]);
        }

        var read = await log.ReadAsync(caughtUp.Next, 100);
        Assert.Equal(later.Select(r => r.PartitionKey), read.Records.Select(r => r.Record.PartitionKey));
        Assert.True(read.Next.Segment > 0, "the records did not roll over into a second segment");
    }

    [Fact]
    public async Task AReadThatEndsAtASealedSegmentsEnd_GoesOnIntoTheNextSegment_InTheSameCall()
    {
        using var log = await OpenAsync(SmallSegments);
        var records = Enumerable.Range(0, 12).Select(i => Record($"k{i}", new string('x', 900))).ToList();
        foreach (var record in records)
        {
            await log.AppendAsync([record]); // 4 KiB segments: these roll a few times
        }

        var first = await log.ReadAsync(new SequenceNumber(0, 0), 100);

        Assert.True(first.Next.Segment > 0, "the records did not roll over into a second segment");
        Assert.Equal(records.Select(r => r.PartitionKey), first.Records.Select(r => r.Record.PartitionKey));
        Assert.True(first.CaughtUp);
    }

    [Fact]
    public async Task ConcurrentWritersOnTwoHosts_EachRecordIsReadOnce_InSequenceOrder()
    {
        using var hostA = await OpenAsync(SmallSegments);
        using var hostB = await OpenAsync(SmallSegments);
        var acknowledged = new ConcurrentDictionary<SequenceNumber, string>();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var log = w % 2 == 0 ? hostA : hostB;
            for (var i = 0; i < 15; i++)
            {
                var batch = Enumerable.Range(0, 1 + (i % 3)).Select(j => Record($"w{w}", $"{w}-{i}-{j}")).ToList();
                var numbers = await log.AppendAsync(batch);
                for (var j = 0; j < numbers.Count; j++)
                {
                    Assert.True(acknowledged.TryAdd(numbers[j], Encoding.UTF8.GetString(batch[j].Data.Span)), "a sequence number was issued twice");
                }
            }
        })));

        // A reader on either host sees every acknowledged record exactly once, in sequence order.
        var records = await ReadAllAsync(hostB);
        Assert.Equal(acknowledged.Count, records.Count);
        Assert.Equal(acknowledged.Keys.Order(), records.Select(r => r.SequenceNumber));
        Assert.All(records, r => Assert.Equal(acknowledged[r.SequenceNumber], Encoding.UTF8.GetString(r.Record.Data.Span)));
    }

    [Fact]
    public async Task AReaderFollowingWhileWritersRoll_MissesNothing_AndSeesSequenceOrder()
    {
        using var writerA = await OpenAsync(SmallSegments);
        using var writerB = await OpenAsync(SmallSegments);
        using var reader = await OpenAsync(SmallSegments);
        var acknowledged = new ConcurrentDictionary<SequenceNumber, byte>();
        var writing = Task.WhenAll(Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            var log = w % 2 == 0 ? writerA : writerB;
            for (var i = 0; i < 25; i++)
            {
                foreach (var n in await log.AppendAsync([Record($"w{w}", new string('r', 40 + (w * 13)) + i)]))
                {
                    acknowledged.TryAdd(n, 0);
                }
            }
        })));

        var seen = new List<SequenceNumber>();
        var position = new SequenceNumber(0, 0);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var done = writing.IsCompleted;
            var read = await reader.ReadAsync(position, 50);
            seen.AddRange(read.Records.Select(r => r.SequenceNumber));
            position = read.Next;
            if (done && read.CaughtUp)
            {
                break;
            }
        }

        await writing;
        Assert.True(writerA.CurrentSegment >= 2, "the writers never rolled a segment");
        Assert.Equal(seen.Order(), seen);
        Assert.Equal(acknowledged.Keys.Order(), seen);
    }

    [Fact]
    public async Task AHostStillAimingAtARolledSegment_CannotSlipARecordBehindAReader()
    {
        using var hostA = await OpenAsync(SmallSegments);
        using var hostB = await OpenAsync(SmallSegments);
        using var reader = await OpenAsync(SmallSegments);

        // Host A fills segment 0 with ~1000-byte frames (4 fit in 4 KiB, about 96 bytes stay free) and rolls.
        while (hostA.CurrentSegment == 0)
        {
            await hostA.AppendAsync([Record("a", new string('a', 960))]);
        }

        var before = await reader.ReadAsync(new SequenceNumber(0, 0), 100);
        Assert.True(before.CaughtUp);
        Assert.Equal(1u, before.Next.Segment);

        // Host B never saw the roll; its small record would still fit in segment 0.
        var late = Assert.Single(await hostB.AppendAsync([Record("b", "small")]));

        var after = await reader.ReadAsync(before.Next, 100);
        Assert.Equal(late, Assert.Single(after.Records).SequenceNumber);
        Assert.True(late > before.Records[^1].SequenceNumber);
    }

    [Fact]
    public async Task AClosedShard_RefusesAppendsFromEveryHost_AndKeepsWhatItHad()
    {
        using var writer = await OpenAsync(SmallSegments);
        using var other = await OpenAsync(SmallSegments);
        var acked = await writer.AppendAsync([Record("k", "before close")]);

        var end = await writer.CloseAsync();

        await Assert.ThrowsAsync<ShardClosedException>(() => writer.AppendAsync([Record("k", "late")]));
        await Assert.ThrowsAsync<ShardClosedException>(() => other.AppendAsync([Record("k", "late from another host")]));
        var records = await ReadAllAsync(other);
        Assert.Equal(acked, records.Select(r => r.SequenceNumber));
        Assert.True(end > acked[0]);
    }

    [Fact]
    public async Task ManyConcurrentPuts_ShareFewStorageAppends_AndEachGetsItsOwnSequenceNumbers()
    {
        using var log = await OpenAsync();
        await using var writer = new ShardWriter(log);

        var results = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => Task.Run(() =>
            writer.PutAsync([Record($"p{i}", $"{i}-a"), Record($"p{i}", $"{i}-b")]))));

        Assert.True(writer.Appends < 150, $"{writer.Appends} storage appends for 300 concurrent puts: no group commit");
        var all = results.SelectMany(r => r).ToList();
        Assert.Equal(600, all.Distinct().Count());
        var records = await ReadAllAsync(log);
        Assert.Equal(all.Order(), records.Select(r => r.SequenceNumber));

        // The records of one put are adjacent and in order.
        var byNumber = records.ToDictionary(r => r.SequenceNumber, r => Encoding.UTF8.GetString(r.Record.Data.Span));
        for (var i = 0; i < 300; i++)
        {
            Assert.Equal($"{i}-a", byNumber[results[i][0]]);
            Assert.Equal($"{i}-b", byNumber[results[i][1]]);
            var index = records.FindIndex(r => r.SequenceNumber == results[i][0]);
            Assert.Equal(results[i][1], records[index + 1].SequenceNumber);
        }
    }

    [Fact]
    public async Task AReaderWaitingForCommit_IsWokenByAPut()
    {
        using var log = await OpenAsync();
        await using var writer = new ShardWriter(log);
        var waiting = writer.WaitForCommitAsync();
        Assert.False(waiting.IsCompleted);

        var put = await writer.PutAsync([Record("k", "wake up")]);

        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(put, (await log.ReadAsync(put[0], 10)).Records.Select(r => r.SequenceNumber));
    }

    [Fact]
    public async Task PutsToAClosedShard_FailWithShardClosed()
    {
        using var log = await OpenAsync();
        await using var writer = new ShardWriter(log);
        await writer.PutAsync([Record("k", "before")]);
        await log.CloseAsync();

        await Assert.ThrowsAsync<ShardClosedException>(() => writer.PutAsync([Record("k", "after")]));
    }

    [Fact]
    public async Task APutLargerThanOneBlock_IsRefused_SoEveryPutLandsWhole()
    {
        using var log = await OpenAsync();
        await using var writer = new ShardWriter(log);
        var big = Enumerable.Range(0, 6).Select(i => Record("big", new string((char)('a' + i), 1024 * 1024))).ToList();

        await Assert.ThrowsAsync<ArgumentException>(() => writer.PutAsync(big));
        Assert.Equal(0, writer.Appends);
    }

    [Fact]
    public async Task ABatchLargerThanTheSegmentSize_TakesAFreshSegmentOfItsOwn_InsteadOfRollingForever()
    {
        using var log = await OpenAsync(SmallSegments);
        await log.AppendAsync([Record("k", "small")]);

        var numbers = await log.AppendAsync([.. Enumerable.Range(0, 10).Select(i => Record("k", new string('b', 1000) + i))]).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(numbers, n => Assert.Equal(1u, n.Segment));
        Assert.Equal(11, (await ReadAllAsync(log)).Count);
    }

    [Fact]
    public async Task UnderContinuousLoad_StorageAppendsStayNearOneHundredPerSecond()
    {
        using var log = await OpenAsync();
        await using var writer = new ShardWriter(log, new ShardWriterOptions { MinAppendInterval = TimeSpan.FromMilliseconds(10) });
        var started = System.Diagnostics.Stopwatch.StartNew();
        var puts = 0;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(p => Task.Run(async () =>
        {
            while (started.Elapsed < TimeSpan.FromSeconds(1.5))
            {
                await writer.PutAsync([Record($"p{p}", "x")]);
                Interlocked.Increment(ref puts);
            }
        })));

        var perSecond = writer.Appends / started.Elapsed.TotalSeconds;
        Assert.True(perSecond <= 110, $"{writer.Appends} appends in {started.Elapsed.TotalSeconds:F2} s ({perSecond:F0}/s) for {puts} puts: pacing does not bound storage writes");
        Assert.True(puts > writer.Appends, "puts did not share appends");
    }

    [Fact]
    public async Task PositionAfter_PointsAtTheNextRecord_ForAfterSequenceNumberIterators()
    {
        using var log = await OpenAsync();
        var numbers = await log.AppendAsync([Record("a", "1"), Record("a", "2"), Record("a", "3")]);

        Assert.Equal(numbers[1], await log.PositionAfterAsync(numbers[0]));
        var afterLast = await log.PositionAfterAsync(numbers[2]);
        Assert.Empty((await log.ReadAsync(afterLast, 10)).Records);
        await Assert.ThrowsAsync<ArgumentException>(() => log.PositionAfterAsync(new SequenceNumber(0, numbers[0].Offset + 1)));
    }
}

public sealed class EmbeddedShardLogTests : ShardLogTests, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "platform-shardlog-" + Guid.NewGuid().ToString("N"));
    private readonly EmbeddedBlobStore _store;

    public EmbeddedShardLogTests() => _store = EmbeddedBlobStore.Open(new EmbeddedBlobStoreOptions { DataPath = _folder });

    protected override IBlobStore Store => _store;

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}

public sealed class AzuriteFixture : IAsyncLifetime
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

public sealed class AzuriteShardLogTests(AzuriteFixture azurite) : ShardLogTests, IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly AzureBlobStore _store = AzureBlobStore.FromConnectionString(azurite.Server!.ConnectionString);

    protected override IBlobStore Store => _store;

    public void Dispose() => _store.Dispose();
}
