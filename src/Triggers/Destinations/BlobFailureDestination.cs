using System.Globalization;
using System.Text.Json;
using Platform.Storage;
using Platform.Triggers.Engine;

namespace Platform.Triggers.Destinations;

/// <summary>
/// Keeps each failed batch as one JSON blob (the on-failure record with its records' data) in a container, named
/// <c>{function}/{yyyy}/{MM}/{dd}/{HH}/{time}-{shard}-{startSequence}.json</c> so a listing reads in time order.
/// </summary>
public sealed class BlobFailureDestination(IBlobStore store, string container, string region, string account, TimeProvider time) : IFailureDestination
{
    public string Container => container;

    public Task InitializeAsync(CancellationToken cancellationToken) => store.CreateContainerIfNotExistsAsync(container, cancellationToken);

    public async Task SendAsync(FailedBatch batch, FailureSource source, CancellationToken cancellationToken) =>
        await WriteAsync(store, container, batch, source, region, account, time, cancellationToken);

    /// <summary>Writes the record with payloads; returns its blob path.</summary>
    internal static async Task<BlobPath> WriteAsync(IBlobStore store, string container, FailedBatch batch, FailureSource source, string region, string account, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var record = FailureRecord.Create(batch, source, region, account, now, withPayloads: true);
        var name = string.Create(CultureInfo.InvariantCulture, $"{source.FunctionName}/{now:yyyy/MM/dd/HH}/{now:yyyyMMddTHHmmssfff}-{source.ShardId}-{record.KinesisBatchInfo.StartSequenceNumber}.json");
        var path = new BlobPath(container, name);
        await store.PutBlockBlobAsync(path, JsonSerializer.SerializeToUtf8Bytes(record), new PutBlobOptions { ContentType = "application/json" }, cancellationToken);
        return path;
    }
}
