namespace Platform.Streams.Client.Model;

public sealed record DescribeStreamSummaryRequest
{
    public string? StreamName { get; init; }

    public string? StreamARN { get; init; }
}
