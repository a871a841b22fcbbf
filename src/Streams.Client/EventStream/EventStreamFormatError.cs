namespace Platform.Streams.Client.EventStream;

/// <summary>What made the reader reject event stream bytes.</summary>
public enum EventStreamFormatError
{
    /// <summary>The CRC of the 8-byte prelude does not match: the length fields cannot be trusted.</summary>
    PreludeChecksumMismatch,

    /// <summary>The CRC over the whole message does not match: headers or payload are corrupt.</summary>
    MessageChecksumMismatch,

    /// <summary>The prelude's lengths contradict each other (total below 16 bytes, or headers longer than the room for them).</summary>
    InvalidLength,

    /// <summary>The total length exceeds <see cref="EventStreamLimits.MaxMessageLength"/>.</summary>
    MessageTooLarge,

    /// <summary>The headers length exceeds <see cref="EventStreamLimits.MaxHeadersLength"/>.</summary>
    HeadersTooLarge,

    /// <summary>A header inside a message with valid CRCs is malformed: empty or repeated name, unknown type, value past the end, invalid UTF-8.</summary>
    InvalidHeader,

    /// <summary>The stream ended partway through a message.</summary>
    Truncated,
}
