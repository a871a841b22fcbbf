namespace Platform.Video.Media.Fragmenting;

/// <summary>One track's configuration and the access units buffered for the fragment in progress.</summary>
internal sealed class TrackBuffer(TrackConfig config, long defaultDuration)
{
    public TrackConfig Config { get; set; } = config;

    /// <summary>Duration used for a last sample whose successor is unknown and that has no predecessor.</summary>
    public long DefaultDuration { get; set; } = defaultDuration;

    public List<AccessUnit> Pending { get; } = [];

    /// <summary>DTS of the newest accepted unit, kept across fragments to reject time going backwards.</summary>
    public long? LastDts { get; set; }

    /// <summary>Duration of the newest written sample, the best guess for a last sample without a successor.</summary>
    public long? LastDuration { get; set; }

    public TimeSpan TimeOf(long ticks) => Fragmenter.ToTime(ticks, Config.Timescale);
}
