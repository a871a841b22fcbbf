namespace Platform.Streams.Client.Model;

public sealed record StreamDescriptionSummary
{
    public required string StreamName { get; init; }

    public string? StreamARN { get; init; }

    public StreamStatus StreamStatus { get; init; }

    public StreamModeDetails? StreamModeDetails { get; init; }

    public int RetentionPeriodHours { get; init; }

    public DateTimeOffset StreamCreationTimestamp { get; init; }

    public IReadOnlyList<EnhancedMetrics>? EnhancedMonitoring { get; init; }

    public string? EncryptionType { get; init; }

    public string? KeyId { get; init; }

    public int OpenShardCount { get; init; }

    public int? ConsumerCount { get; init; }
}
