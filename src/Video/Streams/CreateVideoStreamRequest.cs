namespace Platform.Video.Streams;

/// <summary>What <c>CreateStream</c> takes; null settings fall back to the <c>Platform:Video</c> defaults.</summary>
public sealed record CreateVideoStreamRequest(string StreamName)
{
    public string? DeviceName { get; init; }

    public string? MediaType { get; init; }

    /// <summary>Hours of footage kept (0 = live only); null uses <c>DefaultRetentionHours</c>.</summary>
    public int? DataRetentionInHours { get; init; }

    /// <summary>Age at which fragments move to the warm tier; null uses <c>DefaultWarmAfter</c>.</summary>
    public TimeSpan? WarmAfter { get; init; }

    public string? PublishKey { get; init; }

    public IReadOnlyDictionary<string, string>? Tags { get; init; }
}
