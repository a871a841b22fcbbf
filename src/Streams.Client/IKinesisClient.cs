using Platform.Streams.Client.Model;

namespace Platform.Streams.Client;

/// <summary>
/// The Kinesis Data Streams operations the producer and consumer need. Each call is one HTTP request
/// (no retries); failures throw <see cref="KinesisException"/>, whose <see cref="KinesisException.IsTransient"/>
/// tells whether to retry. Cancellation throws <see cref="OperationCanceledException"/>.
/// </summary>
public interface IKinesisClient
{
    Task CreateStreamAsync(CreateStreamRequest request, CancellationToken cancellationToken = default);

    Task DeleteStreamAsync(DeleteStreamRequest request, CancellationToken cancellationToken = default);

    Task<DescribeStreamSummaryResponse> DescribeStreamSummaryAsync(DescribeStreamSummaryRequest request, CancellationToken cancellationToken = default);

    Task<ListShardsResponse> ListShardsAsync(ListShardsRequest request, CancellationToken cancellationToken = default);

    Task<PutRecordResponse> PutRecordAsync(PutRecordRequest request, CancellationToken cancellationToken = default);

    /// <summary>Stores up to 500 records; individual records may fail (see <see cref="PutRecordsResultEntry.ErrorCode"/>) without an exception.</summary>
    Task<PutRecordsResponse> PutRecordsAsync(PutRecordsRequest request, CancellationToken cancellationToken = default);

    Task<GetShardIteratorResponse> GetShardIteratorAsync(GetShardIteratorRequest request, CancellationToken cancellationToken = default);

    Task<GetRecordsResponse> GetRecordsAsync(GetRecordsRequest request, CancellationToken cancellationToken = default);

    Task SplitShardAsync(SplitShardRequest request, CancellationToken cancellationToken = default);

    Task MergeShardsAsync(MergeShardsRequest request, CancellationToken cancellationToken = default);
}
