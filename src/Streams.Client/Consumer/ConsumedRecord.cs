namespace Platform.Streams.Client.Consumer;

/// <summary>A record read from a shard.</summary>
public sealed record ConsumedRecord(
    string ShardId,
    string SequenceNumber,
    string PartitionKey,
    DateTimeOffset ApproximateArrivalTimestamp,
    ReadOnlyMemory<byte> Data);
