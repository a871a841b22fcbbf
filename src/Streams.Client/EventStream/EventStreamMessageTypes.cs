namespace Platform.Streams.Client.EventStream;

/// <summary>Values of the <c>:message-type</c> header.</summary>
public static class EventStreamMessageTypes
{
    /// <summary>A modeled event; <c>:event-type</c> names which.</summary>
    public const string Event = "event";

    /// <summary>A modeled error that ends the stream; <c>:exception-type</c> names which, the payload holds its fields.</summary>
    public const string Exception = "exception";

    /// <summary>An unmodeled error that ends the stream; described by <c>:error-code</c> and <c>:error-message</c>.</summary>
    public const string Error = "error";
}
