using Platform.Streams.Client.Model;

namespace Platform.Streams.Client.Tests.Infrastructure;

/// <summary>
/// Wraps a real client and refuses a share of PutRecords records with ProvisionedThroughputExceededException,
/// as Kinesis does under load: the refused records are not forwarded, the rest are stored by the real
/// service, and the results are merged back in request order. Every other call passes through.
/// </summary>
internal sealed class ThrottlingKinesisClient(IKinesisClient inner, double refusedShare, int seed) : IKinesisClient
{
    private readonly Random _random = new(seed);
    private readonly Lock _lock = new();

    public int Refused { get; private set; }

    public async Task<PutRecordsResponse> PutRecordsAsync(PutRecordsRequest request, CancellationToken cancellationToken = default)
    {
        bool[] refuse;
        lock (_lock)
        {
            refuse = request.Records.Select(_ => _random.NextDouble() < refusedShare).ToArray();
            Refused += refuse.Count(r => r);
        }

        var forwarded = request.Records.Where((_, i) => !refuse[i]).ToList();
        var stored = forwarded.Count == 0 ? [] : (await inner.PutRecordsAsync(request with { Records = forwarded }, cancellationToken)).Records;
        var results = new List<PutRecordsResultEntry>(request.Records.Count);
        var next = 0;
        for (var i = 0; i < request.Records.Count; i++)
        {
            results.Add(refuse[i]
                ? new PutRecordsResultEntry { ErrorCode = KinesisErrorTypes.ProvisionedThroughputExceeded, ErrorMessage = "Rate exceeded for shard." }
                : stored[next++]);
        }

        return new PutRecordsResponse { FailedRecordCount = results.Count(r => r.ErrorCode is not null), Records = results };
    }

    public Task CreateStreamAsync(CreateStreamRequest request, CancellationToken cancellationToken = default) => inner.CreateStreamAsync(request, cancellationToken);

    public Task DeleteStreamAsync(DeleteStreamRequest request, CancellationToken cancellationToken = default) => inner.DeleteStreamAsync(request, cancellationToken);

    public Task<DescribeStreamSummaryResponse> DescribeStreamSummaryAsync(DescribeStreamSummaryRequest request, CancellationToken cancellationToken = default) =>
        inner.DescribeStreamSummaryAsync(request, cancellationToken);

    public Task<ListShardsResponse> ListShardsAsync(ListShardsRequest request, CancellationToken cancellationToken = default) => inner.ListShardsAsync(request, cancellationToken);

    public Task<PutRecordResponse> PutRecordAsync(PutRecordRequest request, CancellationToken cancellationToken = default) => inner.PutRecordAsync(request, cancellationToken);

    public Task<GetShardIteratorResponse> GetShardIteratorAsync(GetShardIteratorRequest request, CancellationToken cancellationToken = default) =>
        inner.GetShardIteratorAsync(request, cancellationToken);

    public Task<GetRecordsResponse> GetRecordsAsync(GetRecordsRequest request, CancellationToken cancellationToken = default) => inner.GetRecordsAsync(request, cancellationToken);

    public Task SplitShardAsync(SplitShardRequest request, CancellationToken cancellationToken = default) => inner.SplitShardAsync(request, cancellationToken);

    public Task MergeShardsAsync(MergeShardsRequest request, CancellationToken cancellationToken = default) => inner.MergeShardsAsync(request, cancellationToken);
}
