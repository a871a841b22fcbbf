using System.Buffers.Binary;
using System.Numerics;

namespace Platform.Streams.Routing;

/// <summary>
/// MD5 (RFC 1321) of short inputs, in managed code, for routing partition keys to shards.
/// </summary>
/// <remarks>
/// Kinesis places a record by the MD5 of its partition key, so every record of a <c>PutRecords</c> hashes a key of a
/// few dozen bytes. <see cref="System.Security.Cryptography.MD5.HashData(ReadOnlySpan{byte}, Span{byte})"/> goes to
/// OpenSSL on Linux, whose per-call set-up and error-queue clearing cost several times the hashing of such a key;
/// this is the same function without the call overhead. It is a placement hash here, not a security primitive.
/// </remarks>
public static class Md5
{
    public const int DigestSize = 16;

    // Per-step additive constants: the integer part of 2^32 × |sin(i + 1)| (RFC 1321, 3.4).
    private static readonly uint[] Sines = [.. Enumerable.Range(0, 64).Select(i => (uint)(Math.Abs(Math.Sin(i + 1)) * 4294967296.0))];

    // Left-rotation amounts, four per round.
    private static readonly int[] Shifts = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];

    /// <summary>Writes the 16-byte MD5 digest of <paramref name="data"/> to <paramref name="digest"/>.</summary>
    public static void HashData(ReadOnlySpan<byte> data, Span<byte> digest)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(digest.Length, DigestSize);
        uint a = 0x67452301, b = 0xefcdab89, c = 0x98badcfe, d = 0x10325476;
        var bitLength = (ulong)data.Length * 8;
        while (data.Length >= 64)
        {
            Block(data[..64], ref a, ref b, ref c, ref d);
            data = data[64..];
        }

        // The tail, the 0x80 marker, zeros to 56 bytes mod 64, and the message length in bits (little-endian).
        Span<byte> tail = stackalloc byte[128];
        tail.Clear();
        data.CopyTo(tail);
        tail[data.Length] = 0x80;
        var tailLength = data.Length < 56 ? 64 : 128;
        BinaryPrimitives.WriteUInt64LittleEndian(tail[(tailLength - 8)..], bitLength);
        Block(tail[..64], ref a, ref b, ref c, ref d);
        if (tailLength == 128)
        {
            Block(tail[64..], ref a, ref b, ref c, ref d);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(digest, a);
        BinaryPrimitives.WriteUInt32LittleEndian(digest[4..], b);
        BinaryPrimitives.WriteUInt32LittleEndian(digest[8..], c);
        BinaryPrimitives.WriteUInt32LittleEndian(digest[12..], d);
    }

    private static void Block(ReadOnlySpan<byte> block, ref uint a0, ref uint b0, ref uint c0, ref uint d0)
    {
        Span<uint> m = stackalloc uint[16];
        for (var i = 0; i < 16; i++)
        {
            m[i] = BinaryPrimitives.ReadUInt32LittleEndian(block[(i * 4)..]);
        }

        uint a = a0, b = b0, c = c0, d = d0;
        var sines = Sines;
        var shifts = Shifts;
        for (var i = 0; i < 64; i++)
        {
            uint f;
            int word;
            switch (i >> 4)
            {
                case 0:
                    f = (b & c) | (~b & d);
                    word = i;
                    break;
                case 1:
                    f = (d & b) | (~d & c);
                    word = ((5 * i) + 1) & 15;
                    break;
                case 2:
                    f = b ^ c ^ d;
                    word = ((3 * i) + 5) & 15;
                    break;
                default:
                    f = c ^ (b | ~d);
                    word = (7 * i) & 15;
                    break;
            }

            f += a + sines[i] + m[word];
            a = d;
            d = c;
            c = b;
            b += BitOperations.RotateLeft(f, shifts[((i >> 4) << 2) | (i & 3)]);
        }

        a0 += a;
        b0 += b;
        c0 += c;
        d0 += d;
    }
}
