namespace Platform.Video.Media.Fragmenting;

/// <summary>How the fragmenter cuts fragments.</summary>
public sealed class FragmenterOptions
{
    /// <summary>Shortest a fragment may be before the next video keyframe (or, audio only, the next audio frame)
    /// starts a new one. Default 2 s; valid 1–10 s.</summary>
    public TimeSpan TargetDuration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest a fragment may grow while no keyframe arrives (long GOPs, lost keyframes); video is then cut
    /// mid-GOP and frames up to the next keyframe are dropped. Default 30 s (x264's and OBS's default GOP is about
    /// 8 s); valid from 3 × <see cref="TargetDuration"/> to 60 s.</summary>
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest a fragment's samples may grow, bounding memory per stream. Default 32 MiB; valid 1–256 MiB.</summary>
    public int MaxFragmentBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        if (TargetDuration < TimeSpan.FromSeconds(1) || TargetDuration > TimeSpan.FromSeconds(10))
        {
            throw new ArgumentOutOfRangeException(
                nameof(TargetDuration), TargetDuration, "Fragmenter TargetDuration must be between 1 and 10 seconds.");
        }

        if (MaxDuration < TargetDuration * 3 || MaxDuration > TimeSpan.FromSeconds(60))
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxDuration), MaxDuration, "Fragmenter MaxDuration must be between 3 x TargetDuration and 60 seconds.");
        }

        if (MaxFragmentBytes < 1024 * 1024 || MaxFragmentBytes > 256 * 1024 * 1024)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxFragmentBytes), MaxFragmentBytes, "Fragmenter MaxFragmentBytes must be between 1 MiB and 256 MiB.");
        }
    }
}
