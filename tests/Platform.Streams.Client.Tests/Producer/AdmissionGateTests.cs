using System.Threading.Channels;
using Platform.Streams.Client.Producer;

namespace Platform.Streams.Client.Tests.Producer;

public sealed class AdmissionGateTests
{
    private readonly Channel<ProducerEvent> _mailbox = Channel.CreateBounded<ProducerEvent>(100);

    [Fact]
    public async Task Waiters_AreAdmittedInCallOrder_EvenWhenALaterSmallerRecordWouldFit()
    {
        var gate = new AdmissionGate(maxRecords: 10, maxBytes: 100, _mailbox.Writer);
        var first = Record("first", 90);
        await gate.AdmitAsync(first, default);

        var big = gate.AdmitAsync(Record("big", 50), default).AsTask();
        var small = gate.AdmitAsync(Record("small", 5), default).AsTask();
        Assert.False(big.IsCompleted);
        Assert.False(small.IsCompleted);

        gate.Release(first.Size);
        await Task.WhenAll(big, small);
        Assert.Equal(["first", "big", "small"], Drain().Select(r => r.PartitionKey));
    }

    [Fact]
    public async Task ARecordLargerThanTheByteLimit_IsAdmittedIntoAnEmptyBuffer()
    {
        var gate = new AdmissionGate(maxRecords: 10, maxBytes: 100, _mailbox.Writer);

        await gate.AdmitAsync(Record("huge", 1000), default).AsTask().WaitAsync(TimeSpan.FromSeconds(1));

        Assert.Equal(1, gate.Outstanding);
    }

    [Fact]
    public async Task ACancelledWaiter_LeavesTheQueue_AndThoseBehindItMoveUp()
    {
        var gate = new AdmissionGate(maxRecords: 1, maxBytes: 100, _mailbox.Writer);
        var first = Record("first", 1);
        await gate.AdmitAsync(first, default);
        using var cancel = new CancellationTokenSource();
        var cancelled = gate.AdmitAsync(Record("cancelled", 1), cancel.Token).AsTask();
        var next = gate.AdmitAsync(Record("next", 1), default).AsTask();

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        gate.Release(first.Size);
        await next;

        Assert.Equal(["first", "next"], Drain().Select(r => r.PartitionKey));
    }

    [Fact]
    public async Task AClosedGate_RefusesNewRecords_AndFailingItFailsTheWaiters()
    {
        var gate = new AdmissionGate(maxRecords: 1, maxBytes: 100, _mailbox.Writer);
        await gate.AdmitAsync(Record("first", 1), default);
        var waiting = gate.AdmitAsync(Record("waiting", 1), default).AsTask();

        gate.Close();
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await gate.AdmitAsync(Record("late", 1), default));
        gate.FailWaiters(new InvalidOperationException("stopped"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => waiting);
    }

    private static PendingRecord Record(string key, int size) => new(key, new byte[size], null, size, 0);

    private List<PendingRecord> Drain()
    {
        var records = new List<PendingRecord>();
        while (_mailbox.Reader.TryRead(out var next))
        {
            records.Add(next.Record!);
        }

        return records;
    }
}
