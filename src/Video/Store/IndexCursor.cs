namespace Platform.Video.Store;

/// <summary>
/// Where a publish session's next index entry goes and how it is numbered: the next ordinal and the running
/// discontinuity count, and the index blob length the session expects in the hour it last appended to. Appends are
/// conditional on that length, so an entry another writer slipped in makes the append fail instead of two entries
/// sharing an ordinal. Owned by one <see cref="FragmentAppender"/>; calls come one at a time.
/// </summary>
internal sealed class IndexCursor
{
    /// <summary>The ordinal the next fragment gets.</summary>
    public long NextOrdinal { get; set; }

    /// <summary>Discontinuities among the fragments before the next one.</summary>
    public long DiscontinuityCount { get; set; }

    /// <summary>The hour (UTC ticks of its start) whose index blob length is <see cref="Length"/>; -1 before any is known.</summary>
    public long HourTicks { get; set; } = -1;

    /// <summary>The length of <see cref="HourTicks"/>' index blob once the session's last append landed.</summary>
    public long Length { get; set; }

    /// <summary>Numbers <paramref name="entry"/> as the next fragment.</summary>
    public FragmentIndexEntry Number(in FragmentIndexEntry entry) =>
        entry with { Ordinal = NextOrdinal, DiscontinuityCount = DiscontinuityCount + (entry.Discontinuity ? 1 : 0) };

    /// <summary>Continues after <paramref name="entry"/> (stored by this session or found stored by another).</summary>
    public void After(in FragmentIndexEntry entry)
    {
        if (entry.IsSequenced)
        {
            NextOrdinal = entry.Ordinal + 1;
            DiscontinuityCount = entry.DiscontinuityCount;
        }
    }

    /// <summary>Continues after the highest-ordinal sequenced entry of <paramref name="entries"/>, if any is higher than where it stands.</summary>
    public void AfterHighest(IEnumerable<FragmentIndexEntry> entries)
    {
        foreach (var entry in entries)
        {
            if (entry.IsSequenced && entry.Ordinal >= NextOrdinal)
            {
                After(entry);
            }
        }
    }

    /// <summary>Continues after <paramref name="fragment"/> (the live window's newest) if it is ahead.</summary>
    public void AfterHighest(FragmentInfo fragment)
    {
        if (fragment.Ordinal >= NextOrdinal)
        {
            NextOrdinal = fragment.Ordinal + 1;
            DiscontinuityCount = fragment.DiscontinuityCount;
        }
    }
}
