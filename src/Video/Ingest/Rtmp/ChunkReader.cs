using System.Buffers;
using System.Buffers.Binary;

namespace Platform.Video.Ingest.Rtmp;

/// <summary>
/// Reassembles RTMP messages from the chunk stream (RTMP 1.0 section 5.3): basic headers of 1–3 bytes, message
/// headers of types 0–3, extended timestamps, interleaved chunk streams, Set Chunk Size and Abort. Pure logic over
/// bytes, so it is tested without a socket.
/// </summary>
/// <remarks>
/// Memory stays bounded whatever the peer sends: a message longer than <c>maxMessageSize</c> is refused at its
/// header, the chunk size is capped at the same bound (so at most one chunk is ever buffered unparsed), and the
/// messages being reassembled on all chunk streams together may hold at most twice <c>maxMessageSize</c>.
/// </remarks>
internal sealed class ChunkReader(int maxMessageSize)
{
    /// <summary>Chunk streams a real publisher uses are a handful (control, command, audio, video, data).</summary>
    public const int MaxChunkStreams = 64;

    public const int DefaultChunkSize = 128;

    private readonly Dictionary<int, ChunkStreamState> _streams = [];
    private readonly int _maxMessageSize = maxMessageSize;
    private long _pendingBytes;

    /// <summary>The peer's current chunk size (changed by its Set Chunk Size messages).</summary>
    public int ChunkSize { get; private set; } = DefaultChunkSize;

    /// <summary>Bytes consumed from the peer so far, for acknowledgements.</summary>
    public long BytesRead { get; private set; }

    /// <summary>
    /// Parses whole chunks from <paramref name="buffer"/> until one completes a message or the data runs out; the
    /// buffer is advanced past every chunk consumed. A chunk is consumed only once all of it is there.
    /// </summary>
    /// <returns>True with the message when one completed; false when more bytes are needed.</returns>
    /// <exception cref="RtmpProtocolException">The bytes break the chunk stream rules.</exception>
    public bool TryReadMessage(ref ReadOnlySequence<byte> buffer, out RtmpMessage? message)
    {
        while (true)
        {
            var reader = new SequenceReader<byte>(buffer);
            var outcome = TryReadChunk(ref reader, out message);
            if (outcome == ChunkOutcome.NeedMoreData)
            {
                return false;
            }

            BytesRead += reader.Consumed;
            buffer = buffer.Slice(reader.Position);
            if (outcome == ChunkOutcome.Message)
            {
                if (message!.StreamId == 0)
                {
                    ApplyControl(message);
                }

                return true;
            }
        }
    }

    private ChunkOutcome TryReadChunk(ref SequenceReader<byte> reader, out RtmpMessage? message)
    {
        message = null;
        if (!reader.TryRead(out var first))
        {
            return ChunkOutcome.NeedMoreData;
        }

        var format = first >> 6;
        int chunkStreamId = first & 0x3F;
        if (chunkStreamId == 0)
        {
            if (!reader.TryRead(out var b1))
            {
                return ChunkOutcome.NeedMoreData;
            }

            chunkStreamId = 64 + b1;
        }
        else if (chunkStreamId == 1)
        {
            if (!reader.TryRead(out var b1) || !reader.TryRead(out var b2))
            {
                return ChunkOutcome.NeedMoreData;
            }

            chunkStreamId = 64 + b1 + (b2 << 8);
        }

        var headerLength = format switch { 0 => 11, 1 => 7, 2 => 3, _ => 0 };
        Span<byte> header = stackalloc byte[11];
        if (!reader.TryCopyTo(header[..headerLength]))
        {
            return ChunkOutcome.NeedMoreData;
        }

        reader.Advance(headerLength);

        var isNew = !_streams.TryGetValue(chunkStreamId, out var state);
        if (isNew)
        {
            if (format != 0)
            {
                throw new RtmpProtocolException($"Chunk stream {chunkStreamId} starts with a type-{format} header; its first chunk must be type 0.");
            }

            if (_streams.Count >= MaxChunkStreams)
            {
                throw new RtmpProtocolException($"More than {MaxChunkStreams} chunk streams in use.");
            }

            state = new ChunkStreamState();
        }

        var continuation = state!.Received > 0;
        if (continuation && format != 3)
        {
            throw new RtmpProtocolException($"Chunk stream {chunkStreamId}: a type-{format} header arrived in the middle of a message (only type 3 continues one).");
        }

        // Parse into locals first: nothing in the state changes until the whole chunk is there.
        var timestampField = state.TimestampField;
        var length = state.Length;
        var typeId = state.TypeId;
        var streamId = state.StreamId;
        var extended = state.Extended;
        if (format <= 2)
        {
            timestampField = (uint)ReadUInt24(header);
            extended = timestampField == 0xFFFFFF;
        }

        if (format <= 1)
        {
            length = ReadUInt24(header[3..]);
            typeId = header[6];
        }

        if (format == 0)
        {
            streamId = BinaryPrimitives.ReadUInt32LittleEndian(header[7..]);
        }

        if (extended)
        {
            if (reader.Remaining < 4)
            {
                return ChunkOutcome.NeedMoreData;
            }

            Span<byte> ext = stackalloc byte[4];
            reader.TryCopyTo(ext);
            var value = BinaryPrimitives.ReadUInt32BigEndian(ext);
            if (format != 3 || !continuation)
            {
                timestampField = value;
                reader.Advance(4);
            }
            else if (value == state.TimestampField)
            {
                // The spec repeats the extended timestamp on continuation chunks and most encoders do; some old ones
                // do not, so the four bytes are taken as the field only when they match it.
                reader.Advance(4);
            }
        }

        if (length > _maxMessageSize)
        {
            throw new RtmpProtocolException($"Chunk stream {chunkStreamId}: a message of {length} bytes exceeds the {_maxMessageSize}-byte limit.");
        }

        var remaining = continuation ? state.Length - state.Received : length;
        var payloadLength = Math.Min(remaining, ChunkSize);
        if (reader.Remaining < payloadLength)
        {
            return ChunkOutcome.NeedMoreData;
        }

        // The whole chunk is here: commit the header to the chunk stream's state.
        if (isNew)
        {
            _streams.Add(chunkStreamId, state);
        }

        if (!continuation)
        {
            state.Timestamp = format == 0 ? timestampField : unchecked(state.Timestamp + timestampField);
            state.TimestampField = timestampField;
            state.Extended = extended;
            state.Length = length;
            state.TypeId = typeId;
            state.StreamId = streamId;
            if (length > 0)
            {
                _pendingBytes += length;
                if (_pendingBytes > 2L * _maxMessageSize)
                {
                    throw new RtmpProtocolException($"Messages in progress on {_streams.Count} chunk streams hold more than {2L * _maxMessageSize} bytes.");
                }

                state.Buffer = ArrayPool<byte>.Shared.Rent(length);
            }
        }

        if (payloadLength > 0)
        {
            reader.TryCopyTo(state.Buffer.AsSpan(state.Received, payloadLength));
            reader.Advance(payloadLength);
            state.Received += payloadLength;
        }

        if (state.Received < state.Length)
        {
            return ChunkOutcome.Chunk;
        }

        message = new RtmpMessage(chunkStreamId, state.TypeId, state.StreamId, state.Timestamp, state.Buffer ?? [], state.Length);
        _pendingBytes -= state.Length;
        state.Buffer = null;
        state.Received = 0;
        return ChunkOutcome.Message;
    }

    private void ApplyControl(RtmpMessage message)
    {
        switch (message.TypeId)
        {
            case RtmpMessageType.SetChunkSize:
            {
                var size = ReadControlValue(message, "Set Chunk Size");
                if (size == 0 || size > 0x7FFFFFFF || size > (uint)_maxMessageSize)
                {
                    throw new RtmpProtocolException($"Set Chunk Size {size} is outside 1..{_maxMessageSize}.");
                }

                ChunkSize = (int)size;
                break;
            }

            case RtmpMessageType.Abort:
            {
                var id = ReadControlValue(message, "Abort");
                if (id <= int.MaxValue && _streams.TryGetValue((int)id, out var state) && state.Received > 0)
                {
                    _pendingBytes -= state.Length;
                    ArrayPool<byte>.Shared.Return(state.Buffer!);
                    state.Buffer = null;
                    state.Received = 0;
                }

                break;
            }
        }
    }

    private static uint ReadControlValue(RtmpMessage message, string name) =>
        message.Length >= 4
            ? BinaryPrimitives.ReadUInt32BigEndian(message.Payload)
            : throw new RtmpProtocolException($"{name} message of {message.Length} bytes (4 expected).");

    private static int ReadUInt24(ReadOnlySpan<byte> span) => (span[0] << 16) | (span[1] << 8) | span[2];

    /// <summary>Returns buffers of messages still being reassembled to the pool when the connection ends.</summary>
    public void Reset()
    {
        foreach (var state in _streams.Values)
        {
            if (state.Buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(state.Buffer);
                state.Buffer = null;
            }
        }

        _streams.Clear();
        _pendingBytes = 0;
    }

    /// <summary>True when a message is partly received on some chunk stream (the peer vanished mid-message).</summary>
    public bool HasPartialMessage => _streams.Values.Any(static s => s.Received > 0);

    private enum ChunkOutcome
    {
        NeedMoreData,
        Chunk,
        Message,
    }

    private sealed class ChunkStreamState
    {
        public uint Timestamp;
        public uint TimestampField;
        public bool Extended;
        public int Length;
        public byte TypeId;
        public uint StreamId;
        public byte[]? Buffer;
        public int Received;
    }
}
