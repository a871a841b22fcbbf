namespace Platform.Streams.Client.EventStream;

/// <summary>
/// Event stream bytes that cannot be a valid message. The format gives no way to resynchronise after a bad
/// message, so the stream carrying it must be abandoned.
/// </summary>
public sealed class EventStreamFormatException : FormatException
{
    public EventStreamFormatException(EventStreamFormatError error, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
    }

    /// <summary>Which check failed.</summary>
    public EventStreamFormatError Error { get; }
}
