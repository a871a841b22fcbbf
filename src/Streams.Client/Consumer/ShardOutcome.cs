using Platform.Streams.Client.Model;

namespace Platform.Streams.Client.Consumer;

/// <summary>How a shard reader ended: read to the end of a closed shard (with the children it named, if any), or failed.</summary>
internal sealed record ShardOutcome(string ShardId, IReadOnlyList<ChildShard>? Children, Exception? Error);
