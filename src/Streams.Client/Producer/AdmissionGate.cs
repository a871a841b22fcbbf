using System.Threading.Channels;

namespace Platform.Streams.Client.Producer;

/// <summary>
/// Back-pressure for the producer: a record is admitted (written to the loop's mailbox) only while the
/// records admitted and not yet finished stay within the buffer limits; otherwise its caller waits.
/// Waiters are admitted strictly in call order, so records of one partition key reach the loop in the
/// order they were added. A record larger than the byte limit is admitted when the buffer is empty.
/// </summary>
internal sealed class AdmissionGate(int maxRecords, long maxBytes, ChannelWriter<ProducerEvent> mailbox)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private int _records;
    private long _bytes;
    private bool _closed;

    /// <summary>Someone is waiting for room: sending should not wait for linger.</summary>
    public bool HasWaiters
    {
        get
        {
            lock (_lock)
            {
                return _waiters.Count > 0;
            }
        }
    }

    /// <summary>Records admitted and not yet finished, plus records waiting for admission.</summary>
    public int Outstanding
    {
        get
        {
            lock (_lock)
            {
                return _records + _waiters.Count;
            }
        }
    }

    /// <summary>Admits <paramref name="record"/> now or when there is room. Cancelling gives up the wait; an admitted record is not recalled.</summary>
    public ValueTask AdmitAsync(PendingRecord record, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, typeof(KinesisProducer));
            if (_waiters.Count == 0 && Fits(record.Size))
            {
                Admit(record);
                return ValueTask.CompletedTask;
            }

            cancellationToken.ThrowIfCancellationRequested();
            waiter = new Waiter(record);
            waiter.Node = _waiters.AddLast(waiter);
        }

        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(static state =>
            {
                var (gate, w, token) = ((AdmissionGate, Waiter, CancellationToken))state!;
                gate.Cancel(w, token);
            }, (this, waiter, cancellationToken));
            lock (_lock)
            {
                if (waiter.Node is not null)
                {
                    // Still waiting: whoever admits or fails it unregisters.
                    waiter.Registration = registration;
                    registration = default;
                }
            }

            registration.Unregister();
        }

        return new ValueTask(waiter.Admitted.Task);
    }

    /// <summary>A record finished (acknowledged or failed): frees its room and admits waiters that now fit.</summary>
    public void Release(int size)
    {
        List<(Waiter Waiter, CancellationTokenRegistration Registration)>? admitted = null;
        lock (_lock)
        {
            _records--;
            _bytes -= size;
            while (_waiters.First is { } first && Fits(first.Value.Record.Size))
            {
                _waiters.RemoveFirst();
                first.Value.Node = null;
                Admit(first.Value.Record);
                (admitted ??= []).Add((first.Value, first.Value.Registration));
                first.Value.Registration = default;
            }
        }

        if (admitted is not null)
        {
            foreach (var (waiter, registration) in admitted)
            {
                registration.Unregister();
                waiter.Admitted.TrySetResult();
            }
        }
    }

    /// <summary>Refuses new records; those already waiting are still admitted as room frees.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
        }
    }

    /// <summary>Fails every waiter, for a producer that can no longer send.</summary>
    public void FailWaiters(Exception error)
    {
        List<(Waiter Waiter, CancellationTokenRegistration Registration)> failed;
        lock (_lock)
        {
            _closed = true;
            failed = [.. _waiters.Select(static w => (w, w.Registration))];
            foreach (var waiter in _waiters)
            {
                waiter.Node = null;
                waiter.Registration = default;
            }

            _waiters.Clear();
        }

        foreach (var (waiter, registration) in failed)
        {
            registration.Unregister();
            waiter.Admitted.TrySetException(error);
        }
    }

    private bool Fits(int size) => _records == 0 || (_records < maxRecords && _bytes + size <= maxBytes);

    private void Admit(PendingRecord record)
    {
        _records++;
        _bytes += record.Size;
        if (!mailbox.TryWrite(ProducerEvent.Admitted(record)))
        {
            // The mailbox holds the buffer limit plus room for every other kind of event, so this is a bug.
            throw new InvalidOperationException("The producer's mailbox is full.");
        }
    }

    private void Cancel(Waiter waiter, CancellationToken token)
    {
        lock (_lock)
        {
            if (waiter.Node is null)
            {
                return;
            }

            _waiters.Remove(waiter.Node);
            waiter.Node = null;

            // The registration fired; nothing is left to unregister.
            waiter.Registration = default;
        }

        waiter.Admitted.TrySetCanceled(token);
    }

    private sealed class Waiter(PendingRecord record)
    {
        public PendingRecord Record { get; } = record;

        public TaskCompletionSource Admitted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }

        public CancellationTokenRegistration Registration { get; set; }
    }
}
