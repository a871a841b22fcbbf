using System.Text.Json;
using Platform.Storage;
using Platform.Streams.Service;
using Platform.Triggers.Settings;

namespace Platform.Triggers.Destinations;

/// <summary>
/// Puts records a function gave up on back into a stream, with their original partition keys: from a blob
/// container destination (each blob is redriven once, then tagged <c>redriven</c>) or from a stream destination
/// (its on-failure records point at the payload blobs).
/// </summary>
public sealed class FailureRedriver(StreamService streams, IBlobStore store)
{
    private const string RedrivenKey = "redriven";

    /// <summary>Redrives everything in <paramref name="source"/> (as an OnFailure address) into <paramref name="targetStream"/>; returns the record count.</summary>
    /// <exception cref="ArgumentException">The source address is malformed.</exception>
    public async Task<int> RedriveAsync(string source, string targetStream, CancellationToken cancellationToken)
    {
        if (FailureDestinationAddress.TryParse(source, out var address) is { } error)
        {
            throw new ArgumentException(error, nameof(source));
        }

        return address.IsBlobContainer
            ? await FromContainerAsync(address.Name, targetStream, cancellationToken)
            : await FromStreamAsync(address.Name, targetStream, cancellationToken);
    }

    private async Task<int> FromContainerAsync(string container, string target, CancellationToken cancellationToken)
    {
        var total = 0;
        string? token = null;
        do
        {
            var page = await store.ListBlobsAsync(container, null, token, cancellationToken: cancellationToken);
            foreach (var item in page.Items.Where(i => !i.Metadata.ContainsKey(RedrivenKey)))
            {
                var path = new BlobPath(container, item.Name);
                total += await PutAsync(path, target, cancellationToken);
                await store.SetMetadataAsync(path, new Dictionary<string, string> { [RedrivenKey] = target }, BlobConditions.Matching(item.ETag), cancellationToken);
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
        return total;
    }

    private async Task<int> FromStreamAsync(string stream, string target, CancellationToken cancellationToken)
    {
        var total = 0;
        var description = await streams.DescribeAsync(stream, cancellationToken);
        foreach (var shard in description.Shards)
        {
            var iterator = await streams.GetShardIteratorAsync(stream, shard.ShardId, IteratorType.TrimHorizon, null, null, cancellationToken);
            while (iterator is not null)
            {
                var read = await streams.GetRecordsAsync(iterator, 1000, cancellationToken);
                foreach (var record in read.Records)
                {
                    var failure = JsonSerializer.Deserialize<FailureRecord>(record.Record.Data.Span);
                    if (failure?.PayloadLocation is { } location && location.IndexOf('/', StringComparison.Ordinal) is var slash and > 0)
                    {
                        total += await PutAsync(new BlobPath(location[..slash], location[(slash + 1)..]), target, cancellationToken);
                    }
                }

                if (read.Records.Count == 0 && read.MillisBehindLatest == 0)
                {
                    break;
                }

                iterator = read.NextShardIterator;
            }
        }

        return total;
    }

    private async Task<int> PutAsync(BlobPath path, string target, CancellationToken cancellationToken)
    {
        var download = await store.ReadAsync(path, cancellationToken: cancellationToken);
        var failure = JsonSerializer.Deserialize<FailureRecord>(download.Content.Span)
            ?? throw new InvalidDataException($"{path} is not an on-failure record.");
        var records = failure.Records ?? [];
        foreach (var chunk in records.Chunk(StreamService.MaxRecordsPerPut))
        {
            var pending = chunk.Select(r => new PutRecordInput(r.PartitionKey, null, r.Data)).ToList();
            for (var attempt = 0; pending.Count > 0; attempt++)
            {
                var outcomes = await streams.PutRecordsAsync(target, pending, cancellationToken);
                pending = [.. pending.Where((_, i) => outcomes[i].ErrorCode is not null)];
                if (pending.Count > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 50 << Math.Min(attempt, 5))), cancellationToken);
                }
            }
        }

        return records.Count;
    }
}
