using System.Buffers;

namespace Platform.Runtime.Hosting;

/// <summary>
/// The 24 bytes every HTTP/2 client sends first (RFC 9113, section 3.4). No HTTP/1.x request can start
/// with them ("PRI" is not a method anyone serves), so they tell the two protocols apart on one port.
/// </summary>
internal static class Http2Preface
{
    public static ReadOnlySpan<byte> Bytes => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    public static int Length => Bytes.Length;

    /// <summary>Compares what has arrived so far with the preface, across pipe segments.</summary>
    public static PrefaceMatch Match(in ReadOnlySequence<byte> received)
    {
        var expected = Bytes;
        foreach (var segment in received)
        {
            var span = segment.Span;
            var length = Math.Min(span.Length, expected.Length);
            if (!span[..length].SequenceEqual(expected[..length]))
            {
                return PrefaceMatch.Mismatch;
            }

            expected = expected[length..];
            if (expected.IsEmpty)
            {
                return PrefaceMatch.Complete;
            }
        }

        return PrefaceMatch.Incomplete;
    }
}

/// <summary>How the first bytes of a connection compare with <see cref="Http2Preface"/>.</summary>
internal enum PrefaceMatch
{
    /// <summary>Every byte so far agrees, but fewer than 24 have arrived.</summary>
    Incomplete,

    /// <summary>All 24 bytes agree: the client speaks HTTP/2.</summary>
    Complete,

    /// <summary>Some byte differs: the client speaks something else, in practice HTTP/1.x.</summary>
    Mismatch,
}
