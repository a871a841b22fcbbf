using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Platform.Streams.Log;

namespace Platform.Streams.Service;

/// <summary>What a shard iterator points at: a stream incarnation, a shard, a position, and an optional time filter.</summary>
/// <remarks><c>NotBefore</c> is for AT_TIMESTAMP: records that arrived earlier are skipped until the first one at or after it.</remarks>
public sealed record ShardIteratorState(string StreamName, string Incarnation, int ShardIndex, SequenceNumber Position, DateTimeOffset? NotBefore, DateTimeOffset IssuedAt);

/// <summary>
/// Shard iterators as opaque, signed tokens: any host with the shared key can check one, so a client may send
/// each GetRecords to a different host. A token carries its issue time and expires after the configured life.
/// </summary>
public sealed class ShardIteratorCodec
{
    private const byte Version = 1;
    private const int MacBytes = 16;
    private readonly byte[] _key;

    public ShardIteratorCodec(byte[] key)
    {
        if (key.Length < 32)
        {
            throw new ArgumentException("The iterator key must be at least 32 bytes.", nameof(key));
        }

        _key = key;
    }

    public string Encode(ShardIteratorState state)
    {
        var name = Encoding.UTF8.GetBytes(state.StreamName);
        var incarnation = Encoding.ASCII.GetBytes(state.Incarnation);
        var length = 1 + 8 + 4 + 8 + 8 + 4 + 1 + name.Length + 1 + incarnation.Length;
        var buffer = new byte[length + MacBytes];
        var span = buffer.AsSpan();
        span[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(span[1..], state.IssuedAt.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteUInt32BigEndian(span[9..], state.Position.Segment);
        BinaryPrimitives.WriteInt64BigEndian(span[13..], state.Position.Offset);
        BinaryPrimitives.WriteInt64BigEndian(span[21..], state.NotBefore?.ToUnixTimeMilliseconds() ?? long.MinValue);
        BinaryPrimitives.WriteInt32BigEndian(span[29..], state.ShardIndex);
        span[33] = (byte)name.Length;
        name.CopyTo(span[34..]);
        span[34 + name.Length] = (byte)incarnation.Length;
        incarnation.CopyTo(span[(35 + name.Length)..]);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, span[..length], mac);
        mac[..MacBytes].CopyTo(span[length..]);
        return Convert.ToBase64String(buffer);
    }

    /// <summary>Checks and opens a token; a malformed or forged one is an InvalidArgumentException.</summary>
    public ShardIteratorState Decode(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 512)
        {
            throw KinesisErrors.InvalidArgument("ShardIterator must be a token of 1 to 512 characters returned by GetShardIterator or GetRecords.");
        }

        Span<byte> buffer = stackalloc byte[384];
        if (!Convert.TryFromBase64String(token, buffer, out var written) || written < 35 + MacBytes || buffer[0] != Version)
        {
            throw KinesisErrors.InvalidArgument($"Invalid ShardIterator: {Describe(token)} is not an iterator this service issued.");
        }

        var body = buffer[..(written - MacBytes)];
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, body, mac);
        if (!CryptographicOperations.FixedTimeEquals(mac[..MacBytes], buffer.Slice(written - MacBytes, MacBytes)))
        {
            throw KinesisErrors.InvalidArgument($"Invalid ShardIterator: {Describe(token)} failed its integrity check.");
        }

        var nameLength = body[33];
        if (34 + nameLength >= body.Length || 35 + nameLength + body[34 + nameLength] != body.Length)
        {
            throw KinesisErrors.InvalidArgument($"Invalid ShardIterator: {Describe(token)} is malformed.");
        }

        var notBefore = BinaryPrimitives.ReadInt64BigEndian(body[21..]);
        return new ShardIteratorState(
            Encoding.UTF8.GetString(body.Slice(34, nameLength)),
            Encoding.ASCII.GetString(body[(35 + nameLength)..]),
            BinaryPrimitives.ReadInt32BigEndian(body[29..]),
            new SequenceNumber(BinaryPrimitives.ReadUInt32BigEndian(body[9..]), BinaryPrimitives.ReadInt64BigEndian(body[13..])),
            notBefore == long.MinValue ? null : DateTimeOffset.FromUnixTimeMilliseconds(notBefore),
            DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(body[1..])));
    }

    private static string Describe(string token) => token.Length <= 24 ? $"'{token}'" : $"'{token[..24]}…'";
}
