namespace Platform.Streams.Client.Producer;

/// <summary>Counters since the producer started.</summary>
/// <param name="Acknowledged">Records stored.</param>
/// <param name="Failed">Records whose task failed (permanent error, or retries past RecordTtl).</param>
/// <param name="Retried">Failed attempts that were retried.</param>
/// <param name="Requests">PutRecords requests sent.</param>
public readonly record struct KinesisProducerStatistics(long Acknowledged, long Failed, long Retried, long Requests);
