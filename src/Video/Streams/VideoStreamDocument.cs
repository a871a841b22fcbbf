namespace Platform.Video.Streams;

/// <summary>
/// Everything the platform knows about one video stream: one JSON blob, changed only by ETag compare-and-swap, so hosts
/// sharing a storage account agree without a coordinator. Immutable; changes make a new copy.
/// </summary>
public sealed record VideoStreamDocument
{
    public required string Name { get; init; }

    /// <summary>Distinguishes a stream from an earlier one of the same name; its fragments live under this id, so a
    /// stream created again never sees a deleted one's footage even while that is still being removed.</summary>
    public required string Incarnation { get; init; }

    public required string Status { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Changes on every update; <c>UpdateDataRetention</c> and <c>DeleteStream</c> compare it.</summary>
    public required string Version { get; init; }

    /// <summary>0 keeps nothing in storage: only the live window in the publishing host's memory.</summary>
    public int RetentionHours { get; init; }

    /// <summary>Age after which fragments move from the hot tier to the warm tier.</summary>
    public TimeSpan WarmAfter { get; init; } = TimeSpan.FromHours(1);

    public string? MediaType { get; init; }

    public string? DeviceName { get; init; }

    /// <summary>When set, publishers must present it (RTMP <c>?key=</c>, WHIP bearer token).</summary>
    public string? PublishKey { get; init; }

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>The live publisher, if any (it may have expired: compare <see cref="PublisherClaim.ExpiresAt"/> with now).</summary>
    public PublisherClaim? Publisher { get; init; }

    public DateTimeOffset StatusSince { get; init; }

    /// <summary>True while a publisher holds an unexpired claim.</summary>
    public bool IsLive(DateTimeOffset now) => Publisher is { } p && p.ExpiresAt > now;
}
