namespace Platform.Triggers.Leases;

/// <summary>Where a function resumes in a shard: at a sequence number (inclusive) or after it.</summary>
public readonly record struct ShardPosition(string SequenceNumber, bool Inclusive)
{
    public static ShardPosition At(string sequenceNumber) => new(sequenceNumber, true);

    public static ShardPosition After(string sequenceNumber) => new(sequenceNumber, false);
}
