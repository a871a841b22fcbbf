namespace Platform.Streams.Client.EventStream;

/// <summary>The header names AWS protocols give meaning to; all carry string values.</summary>
public static class EventStreamHeaderNames
{
    /// <summary><c>event</c>, <c>exception</c> or <c>error</c>; see <see cref="EventStreamMessageTypes"/>.</summary>
    public const string MessageType = ":message-type";

    /// <summary>For events: the event stream union member, such as <c>SubscribeToShardEvent</c> or <c>initial-response</c>.</summary>
    public const string EventType = ":event-type";

    /// <summary>For modeled exceptions: the error shape's name, such as <c>ResourceNotFoundException</c>.</summary>
    public const string ExceptionType = ":exception-type";

    /// <summary>The media type of the payload.</summary>
    public const string ContentType = ":content-type";

    /// <summary>For unmodeled errors: the error's name or category.</summary>
    public const string ErrorCode = ":error-code";

    /// <summary>For unmodeled errors: a human-readable message.</summary>
    public const string ErrorMessage = ":error-message";
}
