using Platform.Streams.Client.Model;

namespace Platform.Streams.Client.Producer;

/// <summary>A PutRecords request and its outcome: the response, or the error that stopped it.</summary>
internal sealed record SentBatch(List<PendingRecord> Records, PutRecordsResponse? Response, KinesisException? Error);
