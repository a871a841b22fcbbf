using System.Text.Json;
using Platform.Storage;
using Platform.Streams.Service;
using Platform.Triggers.Engine;

namespace Platform.Triggers.Destinations;

/// <summary>
/// Puts one on-failure record per failed batch into a stream, as Lambda does to SQS or SNS. The failed records'
/// data does not fit a stream record in general (a batch may hold 6 MB), so it is kept in a blob in the
/// <see cref="PayloadContainer"/> first and the stream record says where (<c>payloadLocation</c>).
/// </summary>
public sealed class StreamFailureDestination(StreamService streams, IBlobStore store, string stream, string region, string account, TimeProvider time) : IFailureDestination
{
    public const string PayloadContainer = "platform-failures";

    public string Stream => stream;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await store.CreateContainerIfNotExistsAsync(PayloadContainer, cancellationToken);
        try
        {
            await streams.DescribeAsync(stream, cancellationToken);
        }
        catch (KinesisException e) when (e.ErrorType == KinesisErrors.ResourceNotFound)
        {
            // A first run should just work: make the destination stream (one shard) rather than fail every batch.
            try
            {
                await streams.CreateStreamAsync(stream, 1, null, cancellationToken);
            }
            catch (KinesisException again) when (again.ErrorType == KinesisErrors.ResourceInUse)
            {
            }
        }
    }

    public async Task SendAsync(FailedBatch batch, FailureSource source, CancellationToken cancellationToken)
    {
        var payload = await BlobFailureDestination.WriteAsync(store, PayloadContainer, batch, source, region, account, time, cancellationToken);
        var record = FailureRecord.Create(batch, source, region, account, time.GetUtcNow(), withPayloads: false);
        var withLocation = new FailureRecord
        {
            RequestContext = record.RequestContext,
            ResponseContext = record.ResponseContext,
            Timestamp = record.Timestamp,
            KinesisBatchInfo = record.KinesisBatchInfo,
            PayloadLocation = payload.Container + "/" + payload.Name,
        };
        await streams.PutRecordAsync(stream, new PutRecordInput(source.ShardId, null, JsonSerializer.SerializeToUtf8Bytes(withLocation)), cancellationToken);
    }
}
