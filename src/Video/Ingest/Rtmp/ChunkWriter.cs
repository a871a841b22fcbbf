using System.Buffers;
using System.Buffers.Binary;

namespace Platform.Video.Ingest.Rtmp;

/// <summary>
/// Splits outgoing messages into chunks: a type-0 header on the first chunk and type-3 headers on the rest
/// (repeating the extended timestamp when there is one, as RTMP 1.0 section 5.3.1.3 asks). The server sends few,
/// small messages, so it never bothers with the compressed header types.
/// </summary>
internal sealed class ChunkWriter
{
    /// <summary>The chunk size the server announces right after connect; larger than the default 128 so replies fit one chunk.</summary>
    public const int ServerChunkSize = 4096;

    public int ChunkSize { get; set; } = ChunkReader.DefaultChunkSize;

    public void Write(IBufferWriter<byte> output, int chunkStreamId, byte typeId, uint streamId, uint timestamp, ReadOnlySpan<byte> payload)
    {
        if (chunkStreamId is < 2 or > 65599)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkStreamId), chunkStreamId, "Chunk stream ids run from 2 to 65599.");
        }

        var extended = timestamp >= 0xFFFFFF;
        var offset = 0;
        var first = true;
        do
        {
            var span = output.GetSpan(3 + 11 + 4);
            var n = WriteBasicHeader(span, first ? 0 : 3, chunkStreamId);
            if (first)
            {
                WriteUInt24(span[n..], extended ? 0xFFFFFF : (int)timestamp);
                WriteUInt24(span[(n + 3)..], payload.Length);
                span[n + 6] = typeId;
                BinaryPrimitives.WriteUInt32LittleEndian(span[(n + 7)..], streamId);
                n += 11;
            }

            if (extended)
            {
                BinaryPrimitives.WriteUInt32BigEndian(span[n..], timestamp);
                n += 4;
            }

            output.Advance(n);
            var length = Math.Min(ChunkSize, payload.Length - offset);
            output.Write(payload.Slice(offset, length));
            offset += length;
            first = false;
        }
        while (offset < payload.Length);
    }

    private static int WriteBasicHeader(Span<byte> span, int format, int chunkStreamId)
    {
        if (chunkStreamId < 64)
        {
            span[0] = (byte)((format << 6) | chunkStreamId);
            return 1;
        }

        if (chunkStreamId < 320)
        {
            span[0] = (byte)(format << 6);
            span[1] = (byte)(chunkStreamId - 64);
            return 2;
        }

        span[0] = (byte)((format << 6) | 1);
        span[1] = (byte)((chunkStreamId - 64) & 0xFF);
        span[2] = (byte)((chunkStreamId - 64) >> 8);
        return 3;
    }

    private static void WriteUInt24(Span<byte> span, int value)
    {
        span[0] = (byte)(value >> 16);
        span[1] = (byte)(value >> 8);
        span[2] = (byte)value;
    }
}
