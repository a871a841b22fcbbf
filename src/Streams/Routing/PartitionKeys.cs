namespace Platform.Streams.Routing;

/// <summary>Kinesis partition key rules: 1 to 256 Unicode characters.</summary>
public static class PartitionKeys
{
    public const int MaxLength = 256;

    /// <summary>Returns null when the key is valid, else the reason it is not.</summary>
    public static string? Validate(string? partitionKey)
    {
        if (string.IsNullOrEmpty(partitionKey))
        {
            return "PartitionKey must be at least 1 character long.";
        }

        // Kinesis counts Unicode characters (text elements of one code point each), not UTF-16 units.
        if (partitionKey.Length > MaxLength && CountCodePoints(partitionKey) > MaxLength)
        {
            return $"PartitionKey must be at most {MaxLength} characters long.";
        }

        return null;
    }

    private static int CountCodePoints(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    /// <summary>Unicode characters (code points) in valid UTF-8: every byte that does not continue a sequence starts one.</summary>
    public static int CountCodePoints(ReadOnlySpan<byte> utf8)
    {
        var continuations = 0;
        foreach (var b in utf8)
        {
            if ((b & 0xC0) == 0x80)
            {
                continuations++;
            }
        }

        return utf8.Length - continuations;
    }
}
