using System.Buffers;
using System.Security.Cryptography;

namespace Platform.Video.Ingest.WebRtc.Srtp;

/// <summary>AES in counter mode as SRTP defines it (RFC 3711 section 4.1.1): the 16-byte IV's last two bytes count blocks.</summary>
public static class AesCounterMode
{
    /// <summary>Xors <paramref name="data"/> with the keystream that starts at <paramref name="iv"/>.</summary>
    public static void Apply(Aes aes, ReadOnlySpan<byte> iv, Span<byte> data)
    {
        var blocks = (data.Length + 15) / 16;
        var size = blocks * 16;
        var rented = ArrayPool<byte>.Shared.Rent(size * 2);
        try
        {
            var counters = rented.AsSpan(0, size);
            var stream = rented.AsSpan(size, size);
            for (var i = 0; i < blocks; i++)
            {
                var block = counters.Slice(i * 16, 16);
                iv.CopyTo(block);
                var counter = (ushort)((iv[14] << 8 | iv[15]) + i);
                block[14] = (byte)(counter >> 8);
                block[15] = (byte)counter;
            }

            aes.EncryptEcb(counters, stream, PaddingMode.None);
            for (var i = 0; i < data.Length; i++)
            {
                data[i] ^= stream[i];
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
