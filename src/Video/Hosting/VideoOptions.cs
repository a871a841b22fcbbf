namespace Platform.Video.Hosting;

/// <summary>Settings of the video subsystem, bound from <c>Platform:Video</c> and validated at start-up.</summary>
public sealed class VideoOptions
{
    public const string Section = "Platform:Video";

    /// <summary>Region named in stream ARNs.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>Account id named in stream ARNs (12 digits).</summary>
    public string AccountId { get; set; } = "000000000000";

    /// <summary>Publishing to an unknown stream creates it (the local default favours a first run).</summary>
    public bool AutoCreateStreams { get; set; } = true;

    /// <summary>Retention of streams created without one (auto-created streams); 0 keeps nothing but the live window.</summary>
    public int DefaultRetentionHours { get; set; } = 24;

    /// <summary>Age after which a stream's fragments move from the hot tier to the warm tier, for streams created without one.</summary>
    public TimeSpan DefaultWarmAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Target fragment duration: fragments are cut at the first keyframe after it (1 to 10 s).</summary>
    public TimeSpan FragmentDuration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Newest fragments of each live stream kept in memory on the publishing host (3 to 100).</summary>
    public int LiveWindowFragments { get; set; } = 10;

    /// <summary>How often each host moves fragments to the warm tier and deletes data past retention.</summary>
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a publisher's claim on a stream outlives its host's last renewal (a crashed host frees the stream after it).</summary>
    public TimeSpan PublisherClaimTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most video streams (ClientLimitExceededException beyond it).</summary>
    public int MaxStreams { get; set; } = 10_000;

    /// <summary>A list of problems, each naming the bad key; empty when the settings are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Region))
        {
            errors.Add($"{Section}:Region must not be empty.");
        }

        if (AccountId.Length != 12 || !AccountId.All(char.IsAsciiDigit))
        {
            errors.Add($"{Section}:AccountId must be 12 digits, not '{AccountId}'.");
        }

        if (DefaultRetentionHours is < 0 or > Streams.VideoStreamLimits.MaxRetentionHours)
        {
            errors.Add($"{Section}:DefaultRetentionHours must be 0 to {Streams.VideoStreamLimits.MaxRetentionHours}, not {DefaultRetentionHours}.");
        }

        if (DefaultWarmAfter < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{Section}:DefaultWarmAfter must be at least 00:00:01, not {DefaultWarmAfter}.");
        }

        if (FragmentDuration < TimeSpan.FromSeconds(1) || FragmentDuration > TimeSpan.FromSeconds(10))
        {
            errors.Add($"{Section}:FragmentDuration must be 00:00:01 to 00:00:10, not {FragmentDuration}.");
        }

        if (LiveWindowFragments is < 3 or > 100)
        {
            errors.Add($"{Section}:LiveWindowFragments must be 3 to 100, not {LiveWindowFragments}.");
        }

        if (MaintenanceInterval < TimeSpan.FromSeconds(1) || MaintenanceInterval > TimeSpan.FromDays(1))
        {
            errors.Add($"{Section}:MaintenanceInterval must be 00:00:01 to 1.00:00:00, not {MaintenanceInterval}.");
        }

        if (PublisherClaimTimeout < TimeSpan.FromSeconds(5) || PublisherClaimTimeout > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{Section}:PublisherClaimTimeout must be 00:00:05 to 00:10:00, not {PublisherClaimTimeout}.");
        }

        if (MaxStreams is < 1 or > 1_000_000)
        {
            errors.Add($"{Section}:MaxStreams must be 1 to 1000000, not {MaxStreams}.");
        }

        return errors;
    }
}
