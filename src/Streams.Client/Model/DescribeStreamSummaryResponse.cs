namespace Platform.Streams.Client.Model;

public sealed record DescribeStreamSummaryResponse
{
    public required StreamDescriptionSummary StreamDescriptionSummary { get; init; }
}
