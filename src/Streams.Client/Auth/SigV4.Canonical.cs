using System.Text;

namespace Platform.Streams.Client.Auth;

/// <summary>Canonical forms of the request parts (URI, query string, header values).</summary>
public static partial class SigV4
{
    /// <summary>
    /// The canonical URI of a path as it appears on the wire (still percent-encoded): dot segments and
    /// repeated slashes are removed, then every segment is URI-encoded, so an encoded path ends up
    /// encoded twice, as every AWS service but S3 expects.
    /// </summary>
    public static string CanonicalUri(ReadOnlySpan<char> path)
    {
        if (path.IsEmpty || path is "/")
        {
            return "/";
        }

        Span<Range> kept = path.Length <= 64 ? stackalloc Range[path.Length + 1] : new Range[path.Length + 1];
        var count = 0;
        foreach (var range in path.Split('/'))
        {
            var segment = path[range];
            if (segment.IsEmpty || segment is ".")
            {
                continue;
            }

            if (segment is "..")
            {
                count = Math.Max(0, count - 1);
                continue;
            }

            kept[count++] = range;
        }

        var last = path[(path.LastIndexOf('/') + 1)..];
        var trailingSlash = count > 0 && (last.IsEmpty || last is "." or "..");
        var builder = new PooledCharBuilder(stackalloc char[256]);
        try
        {
            for (var i = 0; i < count; i++)
            {
                builder.Append('/');
                AppendUriEncoded(ref builder, path[kept[i]]);
            }

            if (count == 0 || trailingSlash)
            {
                builder.Append('/');
            }

            return builder.ToString();
        }
        finally
        {
            builder.Dispose();
        }
    }

    /// <summary>
    /// The canonical query string of a raw query (with or without its leading '?'): names and values are
    /// percent-decoded, re-encoded strictly (only A–Z a–z 0–9 - _ . ~ left as they are), and sorted by
    /// name, then value. A '+' is a literal plus, not a space. <paramref name="excludedParameter"/>
    /// (decoded name) is left out, for the signature of a presigned URL.
    /// </summary>
    public static string CanonicalQueryString(ReadOnlySpan<char> rawQuery, string? excludedParameter = null)
    {
        if (rawQuery.StartsWith('?'))
        {
            rawQuery = rawQuery[1..];
        }

        if (rawQuery.IsEmpty)
        {
            return string.Empty;
        }

        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var range in rawQuery.Split('&'))
        {
            var part = rawQuery[range];
            if (part.IsEmpty)
            {
                continue;
            }

            var equals = part.IndexOf('=');
            var name = Uri.UnescapeDataString(equals < 0 ? part : part[..equals]);
            if (excludedParameter is not null && name == excludedParameter)
            {
                continue;
            }

            var value = equals < 0 ? string.Empty : Uri.UnescapeDataString(part[(equals + 1)..]);
            pairs.Add(new(UriEncode(name), UriEncode(value)));
        }

        pairs.Sort(static (x, y) =>
        {
            var byName = string.CompareOrdinal(x.Key, y.Key);
            return byName != 0 ? byName : string.CompareOrdinal(x.Value, y.Value);
        });

        var builder = new StringBuilder(rawQuery.Length + 16);
        foreach (var (name, value) in pairs)
        {
            if (builder.Length > 0)
            {
                builder.Append('&');
            }

            builder.Append(name).Append('=').Append(value);
        }

        return builder.ToString();
    }

    /// <summary>RFC 3986 encoding as SigV4 defines it: everything but A–Z a–z 0–9 - _ . ~ becomes %XX of its UTF-8 bytes.</summary>
    public static string UriEncode(ReadOnlySpan<char> text)
    {
        if (IsAllUnreserved(text))
        {
            return new string(text);
        }

        var builder = new PooledCharBuilder(stackalloc char[256]);
        try
        {
            AppendUriEncoded(ref builder, text);
            return builder.ToString();
        }
        finally
        {
            builder.Dispose();
        }
    }

    /// <summary>A header value as signed: outer whitespace trimmed, inner whitespace runs collapsed to one space.</summary>
    public static string CanonicalHeaderValue(ReadOnlySpan<char> value)
    {
        var builder = new PooledCharBuilder(stackalloc char[256]);
        try
        {
            AppendHeaderValue(ref builder, value);
            return builder.ToString();
        }
        finally
        {
            builder.Dispose();
        }
    }

    internal static void WriteCanonicalRequest(ref PooledCharBuilder builder, ReadOnlySpan<char> method, ReadOnlySpan<char> canonicalUri,
        ReadOnlySpan<char> canonicalQuery, IReadOnlyList<KeyValuePair<string, string>> headers, ReadOnlySpan<char> signedHeaders,
        ReadOnlySpan<char> payloadHash)
    {
        builder.Append(method);
        builder.Append('\n');
        builder.Append(canonicalUri);
        builder.Append('\n');
        builder.Append(canonicalQuery);
        builder.Append('\n');
        for (var i = 0; i < headers.Count; i++)
        {
            builder.Append(headers[i].Key);
            builder.Append(':');
            AppendHeaderValue(ref builder, headers[i].Value);
            builder.Append('\n');
        }

        builder.Append('\n');
        builder.Append(signedHeaders);
        builder.Append('\n');
        builder.Append(payloadHash);
    }

    private static void AppendHeaderValue(ref PooledCharBuilder builder, ReadOnlySpan<char> value)
    {
        var pendingSpace = false;
        foreach (var c in value.Trim())
        {
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                pendingSpace = true;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c);
        }
    }

    private static void AppendUriEncoded(ref PooledCharBuilder builder, ReadOnlySpan<char> text)
    {
        Span<byte> utf8 = stackalloc byte[4];
        while (!text.IsEmpty)
        {
            var c = text[0];
            if (IsUnreserved(c))
            {
                builder.Append(c);
                text = text[1..];
                continue;
            }

            // An unpaired surrogate encodes as U+FFFD, as UTF-8 encoders do.
            Rune.DecodeFromUtf16(text, out var rune, out var consumed);
            var length = rune.EncodeToUtf8(utf8);
            for (var i = 0; i < length; i++)
            {
                builder.Append('%');
                builder.Append(HexUpper[utf8[i] >> 4]);
                builder.Append(HexUpper[utf8[i] & 0xF]);
            }

            text = text[consumed..];
        }
    }

    private static bool IsAllUnreserved(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!IsUnreserved(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~';

    private static ReadOnlySpan<char> HexUpper => "0123456789ABCDEF";
}
