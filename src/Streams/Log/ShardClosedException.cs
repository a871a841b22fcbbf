namespace Platform.Streams.Log;

/// <summary>The shard was closed (split or merged): it takes no more records.</summary>
public sealed class ShardClosedException(string shard) : InvalidOperationException($"Shard {shard} is closed and takes no more records.");
