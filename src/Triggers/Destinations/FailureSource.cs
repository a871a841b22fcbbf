namespace Platform.Triggers.Destinations;

/// <summary>Where failed records came from.</summary>
public sealed record FailureSource(string FunctionName, string StreamArn, string ShardId, string StreamName);
