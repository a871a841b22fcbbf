namespace Platform.Streams.Client.Model;

public sealed record GetRecordsRequest
{
    public required string ShardIterator { get; init; }

    /// <summary>1 to 10,000 records; the service also stops at 10 MiB.</summary>
    public int? Limit { get; init; }

    public string? StreamARN { get; init; }
}
