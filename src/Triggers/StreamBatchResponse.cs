namespace Platform.Triggers;

/// <summary>
/// A partial batch response (Lambda's <c>ReportBatchItemFailures</c>): the records that failed, by sequence number.
/// Honoured when the trigger sets <c>FunctionResponseTypes = "ReportBatchItemFailures"</c>. An empty list or a null
/// response means the whole batch succeeded; processing resumes from the lowest reported sequence number; an
/// identifier that is missing, empty or not in the batch fails the whole batch.
/// </summary>
public sealed class StreamBatchResponse
{
    public List<BatchItemFailure> BatchItemFailures { get; init; } = [];

    /// <summary>A response reporting the given records as failed.</summary>
    public static StreamBatchResponse Failed(params IEnumerable<StreamRecord> records) =>
        new() { BatchItemFailures = [.. records.Select(r => new BatchItemFailure { ItemIdentifier = r.SequenceNumber })] };
}
