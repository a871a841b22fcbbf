namespace Platform.Testing;

/// <summary>One line the publisher page logged: its event (offering, connecting, publishing, failed, stats…), when, and detail.</summary>
/// <param name="Name">The event.</param>
/// <param name="At">The page's clock when it happened (the machine's clock: the namespace shares it).</param>
/// <param name="Detail">The rest of the line (the stream name, an error, or statistics as JSON).</param>
public sealed record PublisherEvent(string Name, DateTimeOffset At, string Detail);
