namespace Platform.Streams.Client.Producer;

/// <summary>Where a produced record was stored.</summary>
public readonly record struct RecordAcknowledgement(string ShardId, string SequenceNumber);
