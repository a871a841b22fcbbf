using System.Buffers;

namespace Platform.Video.Ingest.Rtmp;

/// <summary>RTMP message type ids (RTMP 1.0 sections 5.4, 6.2, 7.1).</summary>
internal static class RtmpMessageType
{
    public const byte SetChunkSize = 1;
    public const byte Abort = 2;
    public const byte Acknowledgement = 3;
    public const byte UserControl = 4;
    public const byte WindowAcknowledgementSize = 5;
    public const byte SetPeerBandwidth = 6;
    public const byte Audio = 8;
    public const byte Video = 9;
    public const byte DataAmf3 = 15;
    public const byte SharedObjectAmf3 = 16;
    public const byte CommandAmf3 = 17;
    public const byte DataAmf0 = 18;
    public const byte SharedObjectAmf0 = 19;
    public const byte CommandAmf0 = 20;
    public const byte Aggregate = 22;
}

/// <summary>User control event types (RTMP 1.0 section 7.1.7).</summary>
internal static class UserControlEvent
{
    public const ushort StreamBegin = 0;
    public const ushort StreamEof = 1;
    public const ushort SetBufferLength = 3;
    public const ushort PingRequest = 6;
    public const ushort PingResponse = 7;
}

/// <summary>
/// One reassembled RTMP message. Its payload lives in a pooled buffer that <see cref="Dispose"/> returns, so the
/// handler copies out whatever it keeps.
/// </summary>
internal sealed class RtmpMessage : IDisposable
{
    private byte[]? _buffer;

    public RtmpMessage(int chunkStreamId, byte typeId, uint streamId, uint timestamp, byte[] buffer, int length)
    {
        ChunkStreamId = chunkStreamId;
        TypeId = typeId;
        StreamId = streamId;
        Timestamp = timestamp;
        _buffer = buffer;
        Length = length;
    }

    public int ChunkStreamId { get; }

    public byte TypeId { get; }

    public uint StreamId { get; }

    /// <summary>Milliseconds, 32 bits, wrapping (RTMP 1.0 section 5.3.1.2).</summary>
    public uint Timestamp { get; }

    public int Length { get; }

    public ReadOnlySpan<byte> Payload => Memory.Span;

    /// <summary>The payload as memory, for handlers that await between parts of it (aggregate messages).</summary>
    public ReadOnlyMemory<byte> Memory => (_buffer ?? throw new ObjectDisposedException(nameof(RtmpMessage))).AsMemory(0, Length);

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is { Length: > 0 })
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
