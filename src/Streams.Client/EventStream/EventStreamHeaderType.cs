using System.Diagnostics.CodeAnalysis;

namespace Platform.Streams.Client.EventStream;

/// <summary>The wire type indicator of an event stream header value; the set is fixed by the format.</summary>
[SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Members carry the format's own type names so they read against the specification.")]
public enum EventStreamHeaderType : byte
{
    /// <summary>Boolean true; no value bytes follow.</summary>
    BoolTrue = 0,

    /// <summary>Boolean false; no value bytes follow.</summary>
    BoolFalse = 1,

    /// <summary>Signed 8-bit integer.</summary>
    Byte = 2,

    /// <summary>Signed 16-bit integer, big-endian.</summary>
    Short = 3,

    /// <summary>Signed 32-bit integer, big-endian.</summary>
    Integer = 4,

    /// <summary>Signed 64-bit integer, big-endian.</summary>
    Long = 5,

    /// <summary>Bytes with a 2-byte big-endian length prefix.</summary>
    ByteArray = 6,

    /// <summary>UTF-8 text with a 2-byte big-endian length prefix.</summary>
    String = 7,

    /// <summary>Milliseconds since the Unix epoch as a signed 64-bit big-endian integer.</summary>
    Timestamp = 8,

    /// <summary>A 16-byte UUID in RFC 9562 (big-endian) byte order.</summary>
    Uuid = 9,
}
