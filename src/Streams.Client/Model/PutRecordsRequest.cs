namespace Platform.Streams.Client.Model;

/// <summary>Up to 500 records and 5 MiB (data plus partition keys) in one request.</summary>
public sealed record PutRecordsRequest
{
    public string? StreamName { get; init; }

    public string? StreamARN { get; init; }

    public required IReadOnlyList<PutRecordsRequestEntry> Records { get; init; }
}
