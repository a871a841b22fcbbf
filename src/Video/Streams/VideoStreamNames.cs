using System.Buffers;
using System.Globalization;

namespace Platform.Video.Streams;

/// <summary>Stream names and ARNs as Kinesis Video Streams spells them.</summary>
public static class VideoStreamNames
{
    private static readonly SearchValues<char> Allowed = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-");

    /// <summary>True for 1 to 256 of a-z, A-Z, 0-9, _ . - (and not "." or "..", which would navigate blob paths).</summary>
    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= VideoStreamLimits.MaxNameLength && !name.AsSpan().ContainsAnyExcept(Allowed) && name is not "." and not "..";

    /// <summary>Throws <c>InvalidArgumentException</c> naming <paramref name="member"/> unless <paramref name="name"/> is valid.</summary>
    public static void Validate(string? name, string member = "StreamName")
    {
        if (!IsValid(name))
        {
            throw VideoStreamErrors.Invalid($"{member} '{name}' must be 1 to {VideoStreamLimits.MaxNameLength} characters of [a-zA-Z0-9_.-].");
        }
    }

    /// <summary><c>arn:aws:kinesisvideo:{region}:{account}:stream/{name}/{creationMillis}</c>.</summary>
    public static string Arn(string region, string account, string name, DateTimeOffset createdAt) =>
        string.Create(CultureInfo.InvariantCulture, $"arn:aws:kinesisvideo:{region}:{account}:stream/{name}/{createdAt.ToUnixTimeMilliseconds()}");

    /// <summary>Splits a stream ARN into its name and creation time (millis); false when it is not one of this region and account.</summary>
    public static bool TryParseArn(string region, string account, string arn, out string name, out long creationMillis)
    {
        name = "";
        creationMillis = 0;
        var prefix = $"arn:aws:kinesisvideo:{region}:{account}:stream/";
        if (arn.Length > 1024 || !arn.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = arn.AsSpan(prefix.Length);
        var slash = rest.LastIndexOf('/');
        if (slash <= 0 || !long.TryParse(rest[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out creationMillis))
        {
            return false;
        }

        name = rest[..slash].ToString();
        return IsValid(name);
    }
}
