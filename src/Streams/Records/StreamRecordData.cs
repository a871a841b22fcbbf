namespace Platform.Streams.Records;

/// <summary>One record as a producer put it: partition key, optional explicit hash key, arrival time, data.</summary>
public sealed record StreamRecordData(string PartitionKey, UInt128? ExplicitHashKey, DateTimeOffset ArrivalTime, ReadOnlyMemory<byte> Data);
