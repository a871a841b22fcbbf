using System.Security.Cryptography;
using Platform.Streams.Control;
using Platform.Streams.Routing;

namespace Platform.Streams.Service;

public sealed partial class StreamService
{
    public const int MinRetentionHours = 24;
    public const int MaxRetentionHours = 8760;
    public const int MaxTagsPerStream = 50;
    public const int MaxConsumersPerStream = 20;

    /// <summary>Creates a stream of evenly split shards: CREATING while its shards' logs are made, then ACTIVE.</summary>
    public async Task<StreamDocument> CreateStreamAsync(string name, int shardCount, IReadOnlyDictionary<string, string>? tags, CancellationToken cancellationToken, string streamMode = "PROVISIONED")
    {
        StreamNames.Validate(name, "streamName");
        if (shardCount < 1)
        {
            throw KinesisErrors.Constraint("shardCount", shardCount.ToString(System.Globalization.CultureInfo.InvariantCulture), "Member must have value greater than or equal to 1");
        }

        if (shardCount > _options.MaxShardsPerStream)
        {
            throw new KinesisException(KinesisErrors.LimitExceeded, $"This request would exceed the shard limit for the account {Account}: a stream has at most {_options.MaxShardsPerStream} shards.");
        }

        if (tags is not null)
        {
            ValidateTags(tags, 0);
        }

        var now = _time.GetUtcNow();
        var ranges = HashKeyRange.SplitEvenly(shardCount);
        var document = new StreamDocument
        {
            Name = name,
            Incarnation = now.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture) + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)),
            Status = StreamStatus.Creating,
            StreamMode = streamMode,
            CreatedAt = now,
            StatusSince = now,
            Shards = [.. ranges.Select((range, i) => ShardEntry.Create(i, range, now))],
            NextShardIndex = shardCount,
            Tags = tags is null ? new Dictionary<string, string>() : new Dictionary<string, string>(tags, StringComparer.Ordinal),
        };

        if (!await _catalog.TryCreateAsync(document, cancellationToken))
        {
            throw new KinesisException(KinesisErrors.ResourceInUse, $"Stream {name} under account {Account} already exists.");
        }

        Changed(name, $"created with {shardCount} shard(s)");
        return await FinishCreateAsync(document, cancellationToken);
    }

    private async Task<StreamDocument> FinishCreateAsync(StreamDocument document, CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(document.Shards, cancellationToken, async (shard, ct) => await GetShardAsync(document, shard.ShardId, ct));
        var incarnation = document.Incarnation;
        return await _catalog.UpdateAsync(document.Name, d => d.Incarnation == incarnation && d.Status == StreamStatus.Creating ? d with { Status = StreamStatus.Active, StatusSince = _time.GetUtcNow() } : null, cancellationToken)
            ?? throw KinesisErrors.StreamNotFound(document.Name, Account);
    }

    /// <summary>Marks the stream DELETING and deletes its data and document in the background.</summary>
    public async Task DeleteStreamAsync(string name, bool enforceConsumerDeletion, CancellationToken cancellationToken)
    {
        var deleting = await _catalog.UpdateAsync(name, d =>
        {
            if (d.Consumers.Count > 0 && !enforceConsumerDeletion)
            {
                throw new KinesisException(KinesisErrors.ResourceInUse, $"Stream {name} under account {Account} has registered consumers; deregister them or set EnforceConsumerDeletion.");
            }

            return d.Status == StreamStatus.Deleting ? null : d with { Status = StreamStatus.Deleting, StatusSince = _time.GetUtcNow(), Consumers = [] };
        }, cancellationToken) ?? throw KinesisErrors.StreamNotFound(name, Account);

        Changed(name, "deleting");
        RunInBackground("delete:" + name, ct => FinishDeleteAsync(deleting, ct));
    }

    private async Task FinishDeleteAsync(StreamDocument document, CancellationToken cancellationToken)
    {
        await ForgetShardsAsync(document.Incarnation);
        var prefix = $"data/{document.Name}/{document.Incarnation}/";
        string? token = null;
        do
        {
            var page = await _store.ListBlobsAsync(Container, prefix, token, cancellationToken: cancellationToken);
            foreach (var item in page.Items)
            {
                await _store.DeleteBlobIfExistsAsync(new Storage.BlobPath(Container, item.Name), cancellationToken: cancellationToken);
            }

            token = page.ContinuationToken;
        }
        while (token is not null);

        var current = await _catalog.GetAsync(document.Name, fresh: true, cancellationToken);
        if (current is not null && current.Incarnation == document.Incarnation)
        {
            await _catalog.DeleteAsync(document.Name, cancellationToken);
        }

        Changed(document.Name, "deleted");
    }

    /// <summary>The stream's current document, read from storage (not the routing cache).</summary>
    public Task<StreamDocument> DescribeAsync(string name, CancellationToken cancellationToken) => RequireStreamAsync(name, fresh: true, cancellationToken);

    public Task<IReadOnlyList<string>> ListStreamNamesAsync(CancellationToken cancellationToken) => _catalog.ListNamesAsync(cancellationToken);

    public async Task SetRetentionAsync(string name, int hours, bool increase, CancellationToken cancellationToken)
    {
        if (hours is < MinRetentionHours or > MaxRetentionHours)
        {
            throw KinesisErrors.InvalidArgument($"Retention period hours {hours} is out of range: it must be {MinRetentionHours} to {MaxRetentionHours}.");
        }

        _ = await _catalog.UpdateAsync(name, d =>
        {
            RequireActive(d);
            if (increase && hours < d.RetentionHours)
            {
                throw KinesisErrors.InvalidArgument($"Requested retention period ({hours} hours) for stream {name} can not be shorter than existing retention period ({d.RetentionHours} hours). Use DecreaseRetentionPeriod API.");
            }

            if (!increase && hours > d.RetentionHours)
            {
                throw KinesisErrors.InvalidArgument($"Requested retention period ({hours} hours) for stream {name} can not be longer than existing retention period ({d.RetentionHours} hours). Use IncreaseRetentionPeriod API.");
            }

            return d with { RetentionHours = hours };
        }, cancellationToken) ?? throw KinesisErrors.StreamNotFound(name, Account);
    }

    public async Task AddTagsAsync(string name, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        if (tags.Count == 0)
        {
            throw KinesisErrors.Constraint("tags", "{}", "Member must have length greater than or equal to 1");
        }

        _ = await _catalog.UpdateAsync(name, d =>
        {
            var merged = new Dictionary<string, string>(d.Tags, StringComparer.Ordinal);
            foreach (var (key, value) in tags)
            {
                merged[key] = value;
            }

            ValidateTags(merged, 0);
            return d with { Tags = merged };
        }, cancellationToken) ?? throw KinesisErrors.StreamNotFound(name, Account);
    }

    public async Task RemoveTagsAsync(string name, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        if (keys.Count is 0 or > MaxTagsPerStream)
        {
            throw KinesisErrors.Constraint("tagKeys", keys.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), $"Member must have length between 1 and {MaxTagsPerStream}");
        }

        _ = await _catalog.UpdateAsync(name, d =>
        {
            var left = d.Tags.Where(t => !keys.Contains(t.Key)).ToDictionary(StringComparer.Ordinal);
            return left.Count == d.Tags.Count ? null : d with { Tags = left };
        }, cancellationToken) ?? throw KinesisErrors.StreamNotFound(name, Account);
    }

    private static void ValidateTags(IReadOnlyDictionary<string, string> tags, int existing)
    {
        if (tags.Count + existing > MaxTagsPerStream)
        {
            throw KinesisErrors.InvalidArgument($"A stream can have at most {MaxTagsPerStream} tags; this request would give it {tags.Count + existing}.");
        }

        foreach (var (key, value) in tags)
        {
            if (key.Length is < 1 or > 128)
            {
                throw KinesisErrors.Constraint("tags.key", key, "Member must have length between 1 and 128");
            }

            if (value.Length > 256)
            {
                throw KinesisErrors.Constraint("tags.value", value, "Member must have length less than or equal to 256");
            }
        }
    }

    private void RequireActive(StreamDocument document)
    {
        if (document.Status != StreamStatus.Active)
        {
            throw new KinesisException(KinesisErrors.ResourceInUse, $"Stream {document.Name} under account {Account} not ACTIVE, instead in state {document.Status}");
        }
    }

    public async Task<ConsumerEntry> RegisterConsumerAsync(string streamName, string consumerName, CancellationToken cancellationToken)
    {
        StreamNames.Validate(consumerName, "consumerName");
        ConsumerEntry? created = null;
        _ = await _catalog.UpdateAsync(streamName, d =>
        {
            if (d.Status == StreamStatus.Deleting)
            {
                throw KinesisErrors.StreamNotFound(streamName, Account);
            }

            if (d.Consumers.Any(c => c.Name == consumerName))
            {
                throw new KinesisException(KinesisErrors.ResourceInUse, $"Consumer {consumerName} under stream {streamName} already exists for account {Account}.");
            }

            if (d.Consumers.Count >= MaxConsumersPerStream)
            {
                throw new KinesisException(KinesisErrors.LimitExceeded, $"Stream {streamName} already has {MaxConsumersPerStream} consumers, the most a stream can have.");
            }

            var now = _time.GetUtcNow();
            created = new ConsumerEntry
            {
                Name = consumerName,
                CreatedAt = now,
                Arn = $"{StreamNames.StreamArn(_options, streamName)}/consumer/{consumerName}:{now.ToUnixTimeSeconds()}",
            };
            return d with { Consumers = [.. d.Consumers, created] };
        }, cancellationToken) ?? throw KinesisErrors.StreamNotFound(streamName, Account);
        return created!;
    }

    public async Task<(StreamDocument Stream, ConsumerEntry Consumer)> DescribeConsumerAsync(string streamName, string consumerName, CancellationToken cancellationToken)
    {
        var document = await RequireStreamAsync(streamName, fresh: true, cancellationToken);
        var consumer = document.Consumers.FirstOrDefault(c => c.Name == consumerName)
            ?? throw new KinesisException(KinesisErrors.ResourceNotFound, $"Consumer {consumerName}, account {Account}, stream {streamName} not found.");
        return (document, consumer);
    }

    public async Task DeregisterConsumerAsync(string streamName, string consumerName, CancellationToken cancellationToken)
    {
        _ = await _catalog.UpdateAsync(streamName, d =>
        {
            if (d.Consumers.All(c => c.Name != consumerName))
            {
                throw new KinesisException(KinesisErrors.ResourceNotFound, $"Consumer {consumerName}, account {Account}, stream {streamName} not found.");
            }

            return d with { Consumers = [.. d.Consumers.Where(c => c.Name != consumerName)] };
        }, cancellationToken) ?? throw KinesisErrors.StreamNotFound(streamName, Account);
    }
}
