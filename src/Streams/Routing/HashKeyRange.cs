namespace Platform.Streams.Routing;

/// <summary>An inclusive range of the hash key space owned by one shard.</summary>
public readonly record struct HashKeyRange(UInt128 Start, UInt128 End)
{
    public static readonly HashKeyRange All = new(UInt128.Zero, UInt128.MaxValue);

    public bool Contains(UInt128 key) => key >= Start && key <= End;

    /// <summary>
    /// Divides the whole key space into <paramref name="count"/> adjacent ranges the way Kinesis does when a
    /// stream is created: each range starts at i·⌊2^128 / count⌋ and the last one ends at 2^128 − 1.
    /// </summary>
    public static IReadOnlyList<HashKeyRange> SplitEvenly(int count) => All.Split(count);

    /// <summary>Divides this range into <paramref name="count"/> adjacent ranges of (nearly) equal size, the last taking the remainder.</summary>
    public IReadOnlyList<HashKeyRange> Split(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var size = End - Start; // one less than the number of keys, so the full space does not overflow
        var step = count == 1 ? UInt128.Zero : (size / (UInt128)count) + (((size % (UInt128)count) + 1) / (UInt128)count);
        var ranges = new HashKeyRange[count];
        var start = Start;
        for (var i = 0; i < count; i++)
        {
            var end = i == count - 1 ? End : start + step - 1;
            ranges[i] = new HashKeyRange(start, end);
            start = end + 1;
        }

        return ranges;
    }

    /// <summary>The two children of a split at <paramref name="newStartingHashKey"/>, which must lie inside the range and not at its start.</summary>
    public (HashKeyRange Lower, HashKeyRange Upper) SplitAt(UInt128 newStartingHashKey)
    {
        if (newStartingHashKey <= Start || newStartingHashKey > End)
        {
            throw new ArgumentOutOfRangeException(nameof(newStartingHashKey), $"NewStartingHashKey must be greater than {Start} and at most {End}.");
        }

        return (new HashKeyRange(Start, newStartingHashKey - 1), new HashKeyRange(newStartingHashKey, End));
    }

    /// <summary>True when <paramref name="other"/> starts right after this range ends (or the reverse): the shards may merge.</summary>
    public bool IsAdjacentTo(HashKeyRange other) =>
        (End != UInt128.MaxValue && End + 1 == other.Start) || (other.End != UInt128.MaxValue && other.End + 1 == Start);

    public override string ToString() => $"[{HashKey.Format(Start)}, {HashKey.Format(End)}]";
}
