using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Platform.Streams.Client.Producer;

/// <summary>
/// Batches records into PutRecords requests, in the manner of the Kinesis Producer Library: records
/// wait up to <see cref="KinesisProducerOptions.Linger"/> for others to share a request (at most 500
/// records, 5 MiB), several requests are in flight at once, and records the service refuses
/// (throttling, internal failures) are retried with exponential backoff and jitter until
/// <see cref="KinesisProducerOptions.RecordTtl"/>. When the buffer is full, adding waits.
/// </summary>
/// <remarks>
/// One background loop owns all state (see KinesisProducer.Loop.cs); callers and requests talk to it
/// through a bounded mailbox. The data passed in is kept, not copied, until the record is acknowledged:
/// do not change it before then. Dispose flushes: it returns once every record is acknowledged or failed.
/// </remarks>
public sealed partial class KinesisProducer : IAsyncDisposable
{
    private readonly IKinesisClient _client;
    private readonly KinesisProducerOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly Channel<ProducerEvent> _mailbox;
    private readonly AdmissionGate _gate;
    private readonly FlushTracker _flushes = new();
    private readonly SendQueue _queue;
    private readonly ITimer _timer;
    private readonly Task _loop;
    private int _nudged;
    private int _disposed;
    private volatile bool _closing;
    private volatile Exception? _fault;
    private long _acknowledged;
    private long _failed;
    private long _retried;
    private long _requests;

    public KinesisProducer(IKinesisClient client, KinesisProducerOptions options, ILogger<KinesisProducer>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _client = client;
        _options = options.Clone();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;

        // Room for every admitted record, one outcome per request in flight, and one nudge: writes never wait.
        _mailbox = Channel.CreateBounded<ProducerEvent>(new BoundedChannelOptions(_options.MaxBufferedRecords + _options.MaxRequestsInFlight + 1)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _gate = new AdmissionGate(_options.MaxBufferedRecords, _options.MaxBufferedBytes, _mailbox.Writer);
        _queue = new SendQueue(_options.PreserveOrderPerPartitionKey);
        _timer = _timeProvider.CreateTimer(static state => ((KinesisProducer)state!).Nudge(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        ClientLog.ProducerStarted(_logger, _options.StreamName, _options.Linger, _options.MaxRecordsPerRequest, _options.MaxBytesPerRequest,
            _options.MaxRequestsInFlight, _options.MaxBufferedRecords, _options.MaxBufferedBytes, _options.RecordTtl, _options.PreserveOrderPerPartitionKey);
        _loop = Task.Run(RunAsync);
    }

    public KinesisProducerStatistics Statistics => new(Interlocked.Read(ref _acknowledged), Interlocked.Read(ref _failed),
        Interlocked.Read(ref _retried), Interlocked.Read(ref _requests));

    /// <summary>
    /// Adds a record and returns a task that completes when it is stored, with its shard and sequence
    /// number, or fails with the <see cref="KinesisException"/> that stopped it (a permanent error, or
    /// the last error once <see cref="KinesisProducerOptions.RecordTtl"/> has passed). First waits while
    /// the buffer is full. Do not await each call before the next: collect the tasks, or use
    /// <see cref="EnqueueAsync"/> to let the buffer limit how many are outstanding.
    /// </summary>
    /// <param name="partitionKey">1 to 256 characters; records of one key keep their order (see <see cref="KinesisProducerOptions.PreserveOrderPerPartitionKey"/>).</param>
    /// <param name="data">The record; with the UTF-8 partition key at most 1 MiB. Kept, not copied, until acknowledged.</param>
    /// <param name="explicitHashKey">Decimal 128-bit hash key choosing the shard instead of the key's MD5.</param>
    /// <param name="cancellationToken">Stops waiting. A record already admitted is still sent.</param>
    /// <exception cref="ArgumentException">The key, data or hash key breaks a Kinesis limit.</exception>
    /// <exception cref="ObjectDisposedException">The producer is disposed.</exception>
    public async Task<RecordAcknowledgement> AddAsync(string partitionKey, ReadOnlyMemory<byte> data, string? explicitHashKey = null,
        CancellationToken cancellationToken = default)
    {
        var acknowledged = await EnqueueAsync(partitionKey, data, explicitHashKey, cancellationToken);
        return await acknowledged.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Waits for room in the buffer (back-pressure), admits the record, and returns the task of its
    /// acknowledgement (see <see cref="AddAsync"/>). Awaiting each call keeps at most the buffer limit
    /// of records outstanding while requests are sent in the background. Records are admitted in call order.
    /// </summary>
    public async ValueTask<Task<RecordAcknowledgement>> EnqueueAsync(string partitionKey, ReadOnlyMemory<byte> data, string? explicitHashKey = null,
        CancellationToken cancellationToken = default)
    {
        var size = CheckRecord(partitionKey, data, explicitHashKey);
        ThrowIfStopped();
        var record = new PendingRecord(partitionKey, data, explicitHashKey, size, _flushes.Added());
        try
        {
            await _gate.AdmitAsync(record, cancellationToken);
        }
        catch
        {
            _flushes.Finished(record.Epoch);
            throw;
        }

        return record.Completion.Task;
    }

    /// <summary>
    /// Sends buffered records without waiting for linger and completes once every record added before
    /// this call is acknowledged or failed. Records added meanwhile do not hold it up. Failed records
    /// do not fail the flush; their own tasks carry the error.
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var flushed = _flushes.FlushAsync();
        Nudge();
        await flushed.WaitAsync(cancellationToken);
    }

    /// <summary>Refuses new records, sends the buffered ones, and returns when every record is acknowledged or failed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _gate.Close();
            _closing = true;
            Nudge();
        }

        await _loop;
        await _timer.DisposeAsync();
    }

    private void Nudge()
    {
        if (Interlocked.Exchange(ref _nudged, 1) == 0 && !_mailbox.Writer.TryWrite(ProducerEvent.Nudge))
        {
            // The loop is gone or busy with a full mailbox; either way it needs no nudge.
            Volatile.Write(ref _nudged, 0);
        }
    }

    private void ThrowIfStopped()
    {
        if (_fault is { } fault)
        {
            throw new InvalidOperationException("The producer stopped after an internal error.", fault);
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
    }

    private static int CheckRecord(string partitionKey, ReadOnlyMemory<byte> data, string? explicitHashKey)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        if (partitionKey.Length is 0 or > 256)
        {
            throw new ArgumentException($"A partition key has 1 to 256 characters, not {partitionKey.Length}.", nameof(partitionKey));
        }

        var size = data.Length + Encoding.UTF8.GetByteCount(partitionKey);
        if (size > KinesisProducerOptions.MaxRecordBytes)
        {
            throw new ArgumentException($"A record (data plus UTF-8 partition key) is at most {KinesisProducerOptions.MaxRecordBytes} bytes, not {size}.", nameof(data));
        }

        if (explicitHashKey is not null &&
            (explicitHashKey.Length is 0 or > 39 || !UInt128.TryParse(explicitHashKey, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            throw new ArgumentException($"An explicit hash key is a decimal number from 0 to 2^128 - 1, not '{explicitHashKey}'.", nameof(explicitHashKey));
        }

        return size;
    }
}
