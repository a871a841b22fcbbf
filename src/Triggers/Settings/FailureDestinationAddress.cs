namespace Platform.Triggers.Settings;

/// <summary>Where failed batches go: a stream, or a blob container.</summary>
/// <param name="IsBlobContainer">True for a blob container, false for a stream.</param>
/// <param name="Name">The stream or container name.</param>
public readonly record struct FailureDestinationAddress(bool IsBlobContainer, string Name)
{
    /// <summary>
    /// Parses <c>blob:name</c> or <c>arn:aws:s3:::name</c> (a blob container), a Kinesis stream ARN or a plain stream
    /// name. Returns null on success, else a message naming the problem.
    /// </summary>
    public static string? TryParse(string text, out FailureDestinationAddress address)
    {
        address = default;
        string name;
        bool blob;
        if (text.StartsWith("blob:", StringComparison.OrdinalIgnoreCase))
        {
            (blob, name) = (true, text[5..]);
        }
        else if (text.StartsWith("arn:aws:s3:::", StringComparison.Ordinal))
        {
            (blob, name) = (true, text["arn:aws:s3:::".Length..]);
        }
        else if (text.StartsWith("arn:aws:kinesis:", StringComparison.Ordinal) && text.IndexOf(":stream/", StringComparison.Ordinal) is var at and > 0)
        {
            (blob, name) = (false, text[(at + ":stream/".Length)..]);
        }
        else
        {
            (blob, name) = (false, text);
        }

        if (blob)
        {
            // Azure container names: 3-63 lower-case letters, digits and single hyphens, starting with a letter or digit.
            var valid = name.Length is >= 3 and <= 63 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
                && name[0] != '-' && name[^1] != '-' && !name.Contains("--", StringComparison.Ordinal);
            if (!valid)
            {
                return $"OnFailure container '{name}' must be 3 to 63 lower-case letters, digits and single hyphens";
            }
        }
        else if (name.Length is < 1 or > 128 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
        {
            return $"OnFailure stream '{name}' must be 1 to 128 letters, digits, '_', '-' or '.' (or use blob:container for a blob container)";
        }

        address = new FailureDestinationAddress(blob, name);
        return null;
    }
}
