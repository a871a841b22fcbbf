using System.Globalization;

namespace Platform.Video.Store;

/// <summary>One fragment as the time index records it (a fixed-size entry of an hour's index blob).</summary>
/// <param name="Number">The fragment number (see <see cref="FragmentNumbers"/>).</param>
/// <param name="ProducerTicks">Producer timestamp, UTC ticks.</param>
/// <param name="ServerTicks">Server timestamp, UTC ticks.</param>
/// <param name="DurationTicks">Duration in ticks.</param>
/// <param name="Size">Size of the fragment's bytes.</param>
/// <param name="Session">Identifies the publish session (its first fragment number); with <paramref name="InitSegmentId"/> it names the init segment.</param>
/// <param name="InitSegmentId">The session's init segment id that decodes the fragment.</param>
/// <param name="Discontinuity">True for the first fragment of a session or after a codec change.</param>
/// <param name="Ordinal">The fragment's place in its stream: 0, 1, 2, … across hours, sessions and hosts; <see cref="Unsequenced"/>
/// for an entry written before the store recorded ordinals.</param>
/// <param name="DiscontinuityCount">How many of the stream's fragments up to and including this one have
/// <paramref name="Discontinuity"/> set; <see cref="Unsequenced"/> when <paramref name="Ordinal"/> is.</param>
public readonly record struct FragmentIndexEntry(
    long Number,
    long ProducerTicks,
    long ServerTicks,
    long DurationTicks,
    int Size,
    long Session,
    int InitSegmentId,
    bool Discontinuity,
    long Ordinal = FragmentIndexEntry.Unsequenced,
    long DiscontinuityCount = FragmentIndexEntry.Unsequenced)
{
    /// <summary>The ordinal and discontinuity count of an entry that has none (written by an earlier build).</summary>
    public const long Unsequenced = -1;

    /// <summary>True when the entry carries its ordinal and discontinuity count.</summary>
    public bool IsSequenced => Ordinal >= 0;

    public long TicksOf(FragmentTimestampType type) => type == FragmentTimestampType.ProducerTimestamp ? ProducerTicks : ServerTicks;

    public string InitSegmentKey => FragmentNumbers.InitSegmentKey(Session, InitSegmentId);

    public FragmentInfo ToInfo() => new(
        Number,
        InitSegmentKey,
        new DateTimeOffset(ProducerTicks, TimeSpan.Zero),
        new DateTimeOffset(ServerTicks, TimeSpan.Zero),
        TimeSpan.FromTicks(DurationTicks),
        Size,
        Discontinuity,
        Ordinal,
        DiscontinuityCount);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"#{Number} {Size} B");
}
