using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Platform.Streams.Client.Auth;

/// <summary>
/// AWS Signature Version 4, the parts shared by the client signer (<see cref="SigV4Signer"/>) and the
/// server's verifier: the canonical request, the string to sign, the signing key and the signature.
/// </summary>
/// <remarks>
/// Signature = hex(HMAC-SHA256(kSigning, StringToSign)), where
/// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request") and
/// StringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex(SHA-256(CanonicalRequest)).
/// Canonical forms live in SigV4.Canonical.cs.
/// </remarks>
public static partial class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string Terminator = "aws4_request";
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";

    /// <summary>Hex SHA-256 of the empty payload.</summary>
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>Length of an <c>X-Amz-Date</c> value: <c>yyyyMMddTHHmmssZ</c>.</summary>
    public const int AmzDateLength = 16;

    /// <summary>Length of a signature in lowercase hex.</summary>
    public const int SignatureHexLength = 64;

    private const string AmzDateFormat = "yyyyMMdd'T'HHmmss'Z'";
    private const int StackLimit = 1024;

    public static string FormatAmzDate(DateTimeOffset time) =>
        time.UtcDateTime.ToString(AmzDateFormat, CultureInfo.InvariantCulture);

    /// <summary>Writes <c>yyyyMMddTHHmmssZ</c> (UTC) into <paramref name="destination"/>, which needs 16 chars.</summary>
    public static bool TryFormatAmzDate(DateTimeOffset time, Span<char> destination) =>
        time.UtcDateTime.TryFormat(destination, out var written, AmzDateFormat, CultureInfo.InvariantCulture) && written == AmzDateLength;

    public static bool TryParseAmzDate(ReadOnlySpan<char> text, out DateTimeOffset time) =>
        DateTimeOffset.TryParseExact(text, AmzDateFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);

    /// <summary>Lowercase hex SHA-256 of a request body, the last line of the canonical request.</summary>
    public static string HashPayload(ReadOnlySpan<byte> payload)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(payload, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary><c>date/region/service/aws4_request</c>, with <paramref name="date"/> as <c>yyyyMMdd</c>.</summary>
    public static string CredentialScope(string date, string region, string service) =>
        string.Concat(date, "/", region, "/", service, "/" + Terminator);

    /// <summary>Derives the 32-byte signing key for one day, region and service into <paramref name="destination"/>.</summary>
    public static void DeriveSigningKey(ReadOnlySpan<char> secretAccessKey, ReadOnlySpan<char> date, ReadOnlySpan<char> region,
        ReadOnlySpan<char> service, Span<byte> destination)
    {
        if (destination.Length < 32)
        {
            throw new ArgumentException("The signing key needs 32 bytes.", nameof(destination));
        }

        var secretBytes = 4 + Encoding.UTF8.GetMaxByteCount(secretAccessKey.Length);
        byte[]? rented = null;
        var secret = secretBytes <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(secretBytes));
        try
        {
            "AWS4"u8.CopyTo(secret);
            var length = 4 + Encoding.UTF8.GetBytes(secretAccessKey, secret[4..]);
            Span<byte> a = stackalloc byte[32];
            Span<byte> b = stackalloc byte[32];
            HmacUtf8(secret[..length], date, a);
            HmacUtf8(a, region, b);
            HmacUtf8(b, service, a);
            HMACSHA256.HashData(a, "aws4_request"u8, destination);
            CryptographicOperations.ZeroMemory(a);
            CryptographicOperations.ZeroMemory(b);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// The canonical request. <paramref name="headers"/> are the signed headers in signing order with
    /// lowercase names and their raw values (several values of one header joined with commas); values
    /// are trimmed and their inner whitespace runs collapsed here.
    /// </summary>
    public static string CanonicalRequest(string method, string canonicalUri, string canonicalQuery,
        IReadOnlyList<KeyValuePair<string, string>> headers, string signedHeaders, string payloadHash)
    {
        var builder = new PooledCharBuilder(stackalloc char[512]);
        try
        {
            WriteCanonicalRequest(ref builder, method, canonicalUri, canonicalQuery, headers, signedHeaders, payloadHash);
            return builder.ToString();
        }
        finally
        {
            builder.Dispose();
        }
    }

    public static string StringToSign(string amzDate, string credentialScope, string canonicalRequest)
    {
        Span<byte> hash = stackalloc byte[32];
        Sha256Utf8(canonicalRequest, hash);
        return string.Concat(Algorithm + "\n", amzDate, "\n", credentialScope, "\n", Convert.ToHexStringLower(hash));
    }

    /// <summary>Writes the 32-byte signature of <paramref name="stringToSign"/> into <paramref name="destination"/>.</summary>
    public static void ComputeSignature(ReadOnlySpan<byte> signingKey, ReadOnlySpan<char> stringToSign, Span<byte> destination) =>
        HmacUtf8(signingKey, stringToSign, destination);

    /// <summary>The signature in lowercase hex, as it appears in the Authorization header.</summary>
    public static string Signature(ReadOnlySpan<byte> signingKey, ReadOnlySpan<char> stringToSign)
    {
        Span<byte> signature = stackalloc byte[32];
        HmacUtf8(signingKey, stringToSign, signature);
        return Convert.ToHexStringLower(signature);
    }

    /// <summary>Signs without materialising the canonical request or string to sign as strings.</summary>
    internal static void ComputeSignature(ReadOnlySpan<byte> signingKey, ReadOnlySpan<char> amzDate, ReadOnlySpan<char> credentialScope,
        ReadOnlySpan<char> canonicalRequest, Span<byte> destination)
    {
        Span<byte> hash = stackalloc byte[32];
        Sha256Utf8(canonicalRequest, hash);
        var stringToSign = new PooledCharBuilder(stackalloc char[256]);
        try
        {
            stringToSign.Append(Algorithm + "\n");
            stringToSign.Append(amzDate);
            stringToSign.Append('\n');
            stringToSign.Append(credentialScope);
            stringToSign.Append('\n');
            Span<char> hex = stackalloc char[64];
            Convert.TryToHexStringLower(hash, hex, out _);
            stringToSign.Append(hex);
            HmacUtf8(signingKey, stringToSign.Written, destination);
        }
        finally
        {
            stringToSign.Dispose();
        }
    }

    internal static void Sha256Utf8(ReadOnlySpan<char> text, Span<byte> destination)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        var bytes = max <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(max));
        var length = Encoding.UTF8.GetBytes(text, bytes);
        SHA256.HashData(bytes[..length], destination);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void HmacUtf8(ReadOnlySpan<byte> key, ReadOnlySpan<char> text, Span<byte> destination)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        var bytes = max <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(max));
        var length = Encoding.UTF8.GetBytes(text, bytes);
        HMACSHA256.HashData(key, bytes[..length], destination);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
