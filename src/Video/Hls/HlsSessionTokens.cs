using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Platform.Video.Store;

namespace Platform.Video.Hls;

/// <summary>
/// Signs and checks session tokens: the <see cref="HlsSession"/> in a compact binary form followed by an
/// HMAC-SHA256 tag (truncated to 128 bits), base64url-encoded. Every host sharing the storage account shares the
/// key, so a session URL from one host plays from any other.
/// </summary>
public sealed class HlsSessionTokens
{
    /// <summary>Longest token accepted, checked before decoding so a huge query string costs nothing.</summary>
    public const int MaxTokenLength = 1024;

    private const byte FormatVersion = 1;
    private const int HeaderLength = 43;
    private const int TagLength = 16;
    private const int MaxStreamNameBytes = 512;

    private readonly byte[] _key;
    private readonly TimeProvider _time;

    /// <param name="key">The shared signing key (at least 32 bytes).</param>
    /// <param name="time">The clock expiry is checked against.</param>
    public HlsSessionTokens(byte[] key, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 32)
        {
            throw new ArgumentException("The session signing key must be at least 32 bytes.", nameof(key));
        }

        _key = key;
        _time = time;
    }

    public string Create(HlsSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var nameLength = Encoding.UTF8.GetByteCount(session.Stream);
        if (nameLength > MaxStreamNameBytes)
        {
            throw new ArgumentException($"Stream names are at most {MaxStreamNameBytes} bytes.", nameof(session));
        }

        var payload = new byte[HeaderLength + nameLength + TagLength];
        var span = payload.AsSpan();
        span[0] = FormatVersion;
        span[1] = (byte)session.Mode;
        span[2] = (byte)session.TimestampType;
        span[3] = (byte)session.Discontinuity;
        span[4] = (byte)((session.DisplayTimestamps ? 1 : 0) | (session.Start is null ? 0 : 2) | (session.End is null ? 0 : 4));
        BinaryPrimitives.WriteInt32BigEndian(span[5..], session.MaxFragments);
        BinaryPrimitives.WriteInt64BigEndian(span[9..], session.Start?.ToUnixTimeMilliseconds() ?? 0);
        BinaryPrimitives.WriteInt64BigEndian(span[17..], session.End?.ToUnixTimeMilliseconds() ?? 0);
        BinaryPrimitives.WriteInt64BigEndian(span[25..], session.CreatedAt.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt64BigEndian(span[33..], session.ExpiresAt.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteUInt16BigEndian(span[41..], (ushort)nameLength);
        Encoding.UTF8.GetBytes(session.Stream, span.Slice(HeaderLength, nameLength));
        Sign(span[..^TagLength], span[^TagLength..]);
        return Base64Url.EncodeToString(payload);
    }

    /// <summary>
    /// Checks a token's signature, format and expiry. Returns the session, or null with the reason in
    /// <paramref name="failure"/> (for the log, not for the caller: a forged and an expired token look the same to the client).
    /// </summary>
    public HlsSession? Validate(string? token, out string failure)
    {
        if (string.IsNullOrEmpty(token))
        {
            failure = "missing";
            return null;
        }

        if (token.Length > MaxTokenLength)
        {
            failure = "too long";
            return null;
        }

        Span<byte> buffer = stackalloc byte[MaxTokenLength];
        if (Base64Url.DecodeFromChars(token, buffer, out _, out var length) != OperationStatus.Done || length < HeaderLength + TagLength)
        {
            failure = "not base64url or too short";
            return null;
        }

        var payload = buffer[..length];
        Span<byte> expected = stackalloc byte[TagLength];
        Sign(payload[..^TagLength], expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, payload[^TagLength..]))
        {
            failure = "bad signature";
            return null;
        }

        var nameLength = BinaryPrimitives.ReadUInt16BigEndian(payload[41..]);
        if (payload[0] != FormatVersion || HeaderLength + nameLength + TagLength != length
            || payload[1] > (byte)HlsPlaybackMode.OnDemand || payload[2] > (byte)FragmentTimestampType.ServerTimestamp || payload[3] > (byte)HlsDiscontinuityMode.OnDiscontinuity)
        {
            failure = "unknown format";
            return null;
        }

        var expires = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(payload[33..]));
        if (_time.GetUtcNow() >= expires)
        {
            failure = "expired";
            return null;
        }

        var flags = payload[4];
        failure = string.Empty;
        return new HlsSession(
            Encoding.UTF8.GetString(payload.Slice(HeaderLength, nameLength)),
            (HlsPlaybackMode)payload[1],
            (FragmentTimestampType)payload[2],
            (flags & 2) != 0 ? DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(payload[9..])) : null,
            (flags & 4) != 0 ? DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(payload[17..])) : null,
            (HlsDiscontinuityMode)payload[3],
            (flags & 1) != 0,
            BinaryPrimitives.ReadInt32BigEndian(payload[5..]),
            DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(payload[25..])),
            expires);
    }

    private void Sign(ReadOnlySpan<byte> data, Span<byte> tag)
    {
        Span<byte> full = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, data, full);
        full[..TagLength].CopyTo(tag);
    }
}
