namespace Platform.Triggers;

/// <summary>What every record of one shard shares, held once instead of per record.</summary>
internal sealed record RecordSource(string ShardId, string StreamName, string StreamArn);
