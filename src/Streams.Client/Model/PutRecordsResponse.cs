namespace Platform.Streams.Client.Model;

/// <summary>
/// One result per request record, in request order. A record failed when its entry has an
/// <see cref="PutRecordsResultEntry.ErrorCode"/>; the request as a whole still succeeded.
/// </summary>
public sealed record PutRecordsResponse
{
    public int FailedRecordCount { get; init; }

    public required IReadOnlyList<PutRecordsResultEntry> Records { get; init; }

    public string? EncryptionType { get; init; }
}
