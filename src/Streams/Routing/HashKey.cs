using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Platform.Streams.Routing;

/// <summary>
/// The 128-bit hash key space of a stream. A record's hash key is the MD5 of its partition key read as a
/// big-endian unsigned integer, unless the producer gives an explicit hash key (a decimal string).
/// </summary>
public static class HashKey
{
    /// <summary>MD5 of the UTF-8 partition key, as a big-endian 128-bit integer.</summary>
    public static UInt128 FromPartitionKey(string partitionKey)
    {
        Span<byte> utf8 = partitionKey.Length <= 256 ? stackalloc byte[partitionKey.Length * 3] : new byte[Encoding.UTF8.GetMaxByteCount(partitionKey.Length)];
        var length = Encoding.UTF8.GetBytes(partitionKey, utf8);
        return FromPartitionKey(utf8[..length]);
    }

    /// <summary>MD5 of a partition key already in UTF-8, as a big-endian 128-bit integer.</summary>
    public static UInt128 FromPartitionKey(ReadOnlySpan<byte> partitionKeyUtf8)
    {
        Span<byte> digest = stackalloc byte[Md5.DigestSize];
        Md5.HashData(partitionKeyUtf8, digest);
        return BinaryPrimitives.ReadUInt128BigEndian(digest);
    }

    /// <summary>
    /// Parses an explicit hash key: decimal digits only, 0 to 2^128 − 1. Returns false with a reason otherwise.
    /// </summary>
    public static bool TryParse(string? text, out UInt128 value, out string? error)
    {
        value = default;
        if (string.IsNullOrEmpty(text))
        {
            error = "ExplicitHashKey is empty.";
            return false;
        }

        if (text.Length > 39 || !text.All(char.IsAsciiDigit))
        {
            error = "ExplicitHashKey must be a decimal integer from 0 to 340282366920938463463374607431768211455.";
            return false;
        }

        if (!BigInteger.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var big) || big > (BigInteger)UInt128.MaxValue)
        {
            error = "ExplicitHashKey must be a decimal integer from 0 to 340282366920938463463374607431768211455.";
            return false;
        }

        value = (UInt128)big;
        error = null;
        return true;
    }

    public static string Format(UInt128 value) => value.ToString(CultureInfo.InvariantCulture);
}
