using System.Buffers.Binary;
using System.Numerics;

namespace Platform.Storage.Integrity;

/// <summary>CRC-32C (Castagnoli), hardware-accelerated through <see cref="BitOperations.Crc32C(uint, ulong)"/>.</summary>
public static class Crc32C
{
    /// <summary>Computes the CRC of <paramref name="data"/>, optionally continuing from a previous result.</summary>
    public static uint Compute(ReadOnlySpan<byte> data, uint previous = 0)
    {
        var crc = ~previous;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }
}
