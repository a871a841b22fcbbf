using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Platform.Streams.Client.Consumer;

/// <summary>
/// Reads every shard of a stream as one sequence of records: lists the shards, reads each with
/// GetShardIterator and GetRecords, and follows resharding, reading a closed shard to its end before
/// its children. Records of one shard come out in order; shards interleave. No checkpoints: each
/// enumeration starts at <see cref="KinesisConsumerOptions.StartPosition"/>.
/// </summary>
public sealed class KinesisConsumer
{
    private readonly IKinesisClient _client;
    private readonly KinesisConsumerOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;

    public KinesisConsumer(IKinesisClient client, KinesisConsumerOptions options, ILogger<KinesisConsumer>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _client = client;
        _options = options.Clone();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Records of all shards until cancelled (a stream has no end). Transient errors (throttling, 5xx,
    /// network, expired iterators) are retried; others, such as a deleted stream, end the enumeration
    /// with their <see cref="KinesisException"/>. Stopping the enumeration stops all shard readers.
    /// </summary>
    public async IAsyncEnumerable<ConsumedRecord> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ClientLog.ConsumerStarted(_logger, _options.StreamName, _options.StartPosition);
        await using var session = new ConsumerSession(_client, _options, _logger, _timeProvider, cancellationToken);
        session.Start();
        await foreach (var record in session.Records.ReadAllAsync(cancellationToken))
        {
            yield return record;
        }
    }
}
