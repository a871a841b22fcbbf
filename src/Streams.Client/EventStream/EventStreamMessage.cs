namespace Platform.Streams.Client.EventStream;

/// <summary>
/// One decoded event stream message. It owns its data (nothing points back into the buffer it was read
/// from), so it stays valid after a pipe reader advances past it.
/// </summary>
public sealed class EventStreamMessage
{
    private readonly EventStreamHeader[] _headers;

    /// <summary>Builds a message from headers (copied) and a payload (referenced).</summary>
    public EventStreamMessage(ReadOnlySpan<EventStreamHeader> headers, ReadOnlyMemory<byte> payload)
        : this(headers.ToArray(), payload)
    {
    }

    internal EventStreamMessage(EventStreamHeader[] headers, ReadOnlyMemory<byte> payload)
    {
        _headers = headers;
        Payload = payload;
    }

    /// <summary>The headers in wire order.</summary>
    public IReadOnlyList<EventStreamHeader> Headers => _headers;

    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary><c>:message-type</c>: <c>event</c>, <c>exception</c> or <c>error</c>, or null when absent.</summary>
    public string? MessageType => GetString(EventStreamHeaderNames.MessageType);

    public string? EventType => GetString(EventStreamHeaderNames.EventType);

    public string? ExceptionType => GetString(EventStreamHeaderNames.ExceptionType);

    public string? ContentType => GetString(EventStreamHeaderNames.ContentType);

    public string? ErrorCode => GetString(EventStreamHeaderNames.ErrorCode);

    public string? ErrorMessage => GetString(EventStreamHeaderNames.ErrorMessage);

    internal ReadOnlySpan<EventStreamHeader> HeaderSpan => _headers;

    /// <summary>Finds a header by exact (ordinal) name.</summary>
    public bool TryGetHeader(string name, out EventStreamHeaderValue value)
    {
        foreach (var header in _headers)
        {
            if (string.Equals(header.Name, name, StringComparison.Ordinal))
            {
                value = header.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>The value of a string header, or null when the header is absent or of another type.</summary>
    public string? GetString(string name) =>
        TryGetHeader(name, out var value) && value.Type == EventStreamHeaderType.String ? value.AsString() : null;

    public override string ToString() => $"[{string.Join(", ", _headers)}] + {Payload.Length} payload bytes";
}
