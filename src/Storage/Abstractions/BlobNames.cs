namespace Platform.Storage;

/// <summary>
/// Azure's naming rules for containers and blobs, plus the rules that keep a blob name from
/// escaping its container when it is mapped onto a filesystem (no <c>.</c> or <c>..</c> segments,
/// no leading slash, no backslash, no control characters).
/// </summary>
public static class BlobNames
{
    public const int MaxBlobNameLength = 1024;
    public const int MaxSegments = 254;

    /// <summary>Container names: 3–63 characters of lowercase letters, digits and single dashes, starting and ending with a letter or digit.</summary>
    public static void ValidateContainer(string? container)
    {
        if (string.IsNullOrEmpty(container))
        {
            throw new BlobNameException("Container name is empty.");
        }

        if (container.Length is < 3 or > 63)
        {
            throw new BlobNameException($"Container name '{Printable(container)}' must be 3 to 63 characters long.");
        }

        for (var i = 0; i < container.Length; i++)
        {
            var c = container[i];
            var ok = c is (>= 'a' and <= 'z') or (>= '0' and <= '9') || (c == '-' && i > 0 && i < container.Length - 1 && container[i - 1] != '-');
            if (!ok)
            {
                throw new BlobNameException(
                    $"Container name '{Printable(container)}' is invalid: use lowercase letters, digits and single dashes, starting and ending with a letter or digit.");
            }
        }
    }

    /// <summary>Blob names: 1–1024 characters, '/'-separated segments, none empty, '.' or '..'.</summary>
    public static void ValidateBlob(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new BlobNameException("Blob name is empty.");
        }

        if (name.Length > MaxBlobNameLength)
        {
            throw new BlobNameException($"Blob name is {name.Length} characters long; the limit is {MaxBlobNameLength}.");
        }

        if (name[0] == '/')
        {
            throw new BlobNameException($"Blob name '{Printable(name)}' is an absolute path; blob names are relative to their container.");
        }

        if (name[^1] == '/')
        {
            throw new BlobNameException($"Blob name '{Printable(name)}' must not end with '/'.");
        }

        var segments = 1;
        var segmentStart = 0;
        for (var i = 0; i <= name.Length; i++)
        {
            if (i < name.Length)
            {
                var c = name[i];
                if (c == '\0')
                {
                    throw new BlobNameException($"Blob name '{Printable(name)}' contains a NUL character.");
                }

                if (char.IsControl(c))
                {
                    throw new BlobNameException($"Blob name '{Printable(name)}' contains a control character (U+{(int)c:X4}).");
                }

                if (c == '\\')
                {
                    throw new BlobNameException($"Blob name '{Printable(name)}' contains a backslash; use '/' to separate segments.");
                }

                if (char.IsSurrogate(c) && !(char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1])) && !(char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(name[i - 1])))
                {
                    throw new BlobNameException($"Blob name '{Printable(name)}' contains an unpaired surrogate.");
                }

                if (c != '/')
                {
                    continue;
                }
            }

            var segment = name.AsSpan(segmentStart, i - segmentStart);
            if (segment.IsEmpty)
            {
                throw new BlobNameException($"Blob name '{Printable(name)}' has an empty path segment ('//').");
            }

            if (segment is "." or "..")
            {
                throw new BlobNameException($"Blob name '{Printable(name)}' has a '{segment}' segment; names must not navigate out of their folder.");
            }

            if (i < name.Length && ++segments > MaxSegments)
            {
                throw new BlobNameException($"Blob name has more than {MaxSegments} path segments.");
            }

            segmentStart = i + 1;
        }

        if (name[^1] is '/' or '.')
        {
            throw new BlobNameException($"Blob name '{Printable(name)}' must not end with '/' or '.'.");
        }
    }

    /// <summary>Validates a listing prefix: like a blob name, but it may end with '/'.</summary>
    public static void ValidatePrefix(string? prefix)
    {
        if (string.IsNullOrEmpty(prefix))
        {
            return;
        }

        ValidateBlob(prefix.EndsWith('/') ? prefix + "x" : prefix[^1] == '.' ? prefix + "x" : prefix);
    }

    private static string Printable(string value)
    {
        var shown = value.Length > 80 ? value[..80] + "…" : value;
        return string.Create(shown.Length, shown, static (span, s) =>
        {
            for (var i = 0; i < s.Length; i++)
            {
                span[i] = char.IsControl(s[i]) ? '?' : s[i];
            }
        });
    }
}
