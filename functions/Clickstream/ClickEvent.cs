namespace Platform.Functions.Clickstream;

/// <summary>One page event of a web shop's clickstream, as the producer command writes them.</summary>
public sealed record ClickEvent(string SessionId, string Page, string Type, DateTimeOffset Time, string? UserAgent = null);
