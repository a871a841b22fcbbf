namespace Platform.Triggers.Leases;

/// <summary>
/// One function's claim and progress on one shard, stored as one blob: who owns it, whether someone asked for it,
/// where processing resumes and whether the shard is finished (closed and fully processed).
/// </summary>
public sealed record LeaseState
{
    public required string ShardId { get; init; }

    public string? Owner { get; init; }

    public string? ReleaseRequestedBy { get; init; }

    public ShardPosition? Checkpoint { get; init; }

    public bool Finished { get; init; }

    /// <summary>When the function first claimed the shard without a checkpoint: where LATEST starts on every later claim.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}
