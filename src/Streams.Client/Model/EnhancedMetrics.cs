namespace Platform.Streams.Client.Model;

public sealed record EnhancedMetrics
{
    public IReadOnlyList<string>? ShardLevelMetrics { get; init; }
}
