using Platform.Streams.Client.Producer;

namespace Platform.Streams.Client.Tests.Producer;

public sealed class SendQueueTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void InOrderMode_ALaterRecordOfAKey_WaitsUntilTheEarlierOneIsDone()
    {
        var queue = new SendQueue(orderByPartitionKey: true);
        var a1 = Record("a");
        var a2 = Record("a");
        var b1 = Record("b");
        queue.Add(a1, T0);
        queue.Add(a2, T0);
        queue.Add(b1, T0);

        Assert.Equal([a1, b1], Take(queue));
        Assert.Empty(Take(queue));

        queue.Completed(a1);
        Assert.Equal([a2], Take(queue));
    }

    [Fact]
    public void InOrderMode_ARetriedRecord_GoesBeforeTheRestOfItsKey_AndAheadOfFreshRecords()
    {
        var queue = new SendQueue(orderByPartitionKey: true);
        var a1 = Record("a");
        var a2 = Record("a");
        queue.Add(a1, T0);
        queue.Add(a2, T0);
        Assert.Equal([a1], Take(queue));

        queue.Retry(a1, T0.AddSeconds(1));
        var c1 = Record("c");
        queue.Add(c1, T0);
        Assert.Equal([c1], Take(queue));

        queue.Promote(T0.AddSeconds(1));
        Assert.Equal([a1], Take(queue));
        queue.Completed(a1);
        Assert.Equal([a2], Take(queue));
    }

    [Fact]
    public void WithoutOrder_RecordsOfOneKey_ShareABatch()
    {
        var queue = new SendQueue(orderByPartitionKey: false);
        var records = Enumerable.Range(0, 5).Select(_ => Record("a")).ToList();
        records.ForEach(r => queue.Add(r, T0));

        Assert.Equal(records, Take(queue));
    }

    [Fact]
    public void Batches_StopAtTheRecordAndByteLimits_ButAlwaysTakeOneRecord()
    {
        var queue = new SendQueue(orderByPartitionKey: false);
        for (var i = 0; i < 5; i++)
        {
            queue.Add(Record("k", size: 400), T0);
        }

        Assert.Equal(2, Take(queue, maxRecords: 10, maxBytes: 1000).Count);
        Assert.Single(Take(queue, maxRecords: 10, maxBytes: 100));
        Assert.Single(Take(queue, maxRecords: 1, maxBytes: 10_000));
        Assert.Equal(1, queue.ReadyCount);
        Assert.Equal(400, queue.ReadyBytes);
    }

    [Fact]
    public void FreshRecords_AreDueAfterLinger_AndRetriedOnesAtOnce()
    {
        var queue = new SendQueue(orderByPartitionKey: false);
        Assert.Null(queue.SendDueAt(TimeSpan.FromMilliseconds(100)));

        var r = Record("k");
        queue.Add(r, T0);
        Assert.Equal(T0.AddMilliseconds(100), queue.SendDueAt(TimeSpan.FromMilliseconds(100)));

        Take(queue);
        queue.Retry(r, T0.AddSeconds(2));
        Assert.Equal(T0.AddSeconds(2), queue.NextRetryAt);
        queue.Promote(T0.AddSeconds(1));
        Assert.Equal(0, queue.ReadyCount);
        queue.Promote(T0.AddSeconds(2));
        Assert.Equal(DateTimeOffset.MinValue, queue.SendDueAt(TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public void RemoveAll_ReturnsEveryHeldRecord_WhereverItWaits()
    {
        var queue = new SendQueue(orderByPartitionKey: true);
        var a1 = Record("a");
        var a2 = Record("a");
        var b1 = Record("b");
        queue.Add(a1, T0);
        queue.Add(a2, T0);
        queue.Add(b1, T0);
        Take(queue, maxRecords: 1);
        queue.Retry(a1, T0.AddSeconds(5));

        Assert.Equal(3, queue.RemoveAll().Count);
        Assert.Equal(0, queue.HeldCount);
    }

    private static PendingRecord Record(string key, int size = 10) => new(key, new byte[size], null, size, 0);

    private static List<PendingRecord> Take(SendQueue queue, int maxRecords = 500, long maxBytes = 5 * 1024 * 1024)
    {
        var batch = new List<PendingRecord>();
        queue.TakeBatch(maxRecords, maxBytes, batch);
        return batch;
    }
}
