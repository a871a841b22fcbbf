using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Platform.Streams.Client.EventStream;

/// <summary>
/// CRC-32 as used by zlib, gzip and PNG (IEEE 802.3, reflected polynomial 0xEDB88320), which is what AWS
/// event stream messages carry. Not CRC-32C: the storage layer's Castagnoli CRC would not match.
/// </summary>
/// <remarks>
/// Slice-by-8: eight 256-entry tables let the loop fold eight input bytes per step with independent
/// look-ups. x86 has no IEEE CRC instruction (SSE4.2's is Castagnoli), so this is the portable fast path.
/// </remarks>
public static class Crc32
{
    private const uint Polynomial = 0xEDB88320;

    // Table k maps a byte to its contribution k bytes further back; table 0 is the classic byte-wise table.
    private static readonly uint[] Tables = BuildTables();

    /// <summary>Computes the CRC of <paramref name="data"/>, optionally continuing from the result for the bytes before it.</summary>
    /// <param name="data">The bytes to hash.</param>
    /// <param name="previous">The CRC of the preceding bytes (0 to start), so <c>Compute(b, Compute(a))</c> equals the CRC of a then b.</param>
    public static uint Compute(ReadOnlySpan<byte> data, uint previous = 0) => ~Update(~previous, data);

    /// <summary>Computes the CRC of every segment of <paramref name="data"/> in order, optionally continuing from <paramref name="previous"/>.</summary>
    public static uint Compute(in ReadOnlySequence<byte> data, uint previous = 0)
    {
        if (data.IsSingleSegment)
        {
            return Compute(data.FirstSpan, previous);
        }

        var crc = ~previous;
        foreach (var segment in data)
        {
            crc = Update(crc, segment.Span);
        }

        return ~crc;
    }

    private static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        ref var table = ref MemoryMarshal.GetArrayDataReference(Tables);
        while (data.Length >= 8)
        {
            var low = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ crc;
            var high = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            crc = Lookup(ref table, 7, low & 0xFF)
                ^ Lookup(ref table, 6, (low >> 8) & 0xFF)
                ^ Lookup(ref table, 5, (low >> 16) & 0xFF)
                ^ Lookup(ref table, 4, low >> 24)
                ^ Lookup(ref table, 3, high & 0xFF)
                ^ Lookup(ref table, 2, (high >> 8) & 0xFF)
                ^ Lookup(ref table, 1, (high >> 16) & 0xFF)
                ^ Lookup(ref table, 0, high >> 24);
            data = data[8..];
        }

        foreach (var b in data)
        {
            crc = Lookup(ref table, 0, (crc ^ b) & 0xFF) ^ (crc >> 8);
        }

        return crc;
    }

    // Every index is a byte (< 256) plus a table offset (< 8 * 256), so the unchecked read stays inside the array.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Lookup(ref uint table, int slice, uint index) => Unsafe.Add(ref table, (slice * 256) + (int)index);

    private static uint[] BuildTables()
    {
        var tables = new uint[8 * 256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var bit = 0; bit < 8; bit++)
            {
                c = (c & 1) != 0 ? Polynomial ^ (c >> 1) : c >> 1;
            }

            tables[n] = c;
        }

        for (var slice = 1; slice < 8; slice++)
        {
            for (var n = 0; n < 256; n++)
            {
                var previous = tables[((slice - 1) * 256) + n];
                tables[(slice * 256) + n] = (previous >> 8) ^ tables[previous & 0xFF];
            }
        }

        return tables;
    }
}
