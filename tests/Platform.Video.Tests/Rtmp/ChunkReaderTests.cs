using System.Buffers;
using Platform.Video.Ingest.Rtmp;

namespace Platform.Video.Tests.Rtmp;

public sealed class ChunkReaderTests
{
    private const int Limit = 1024 * 1024;

    [Fact]
    public void Type0Header_WithAOneByteBasicHeader_YieldsTheWholeMessage()
    {
        // fmt 0, csid 3; timestamp 1000; length 5; type 20; stream id 1 (little-endian)
        byte[] bytes = [0x03, 0x00, 0x03, 0xE8, 0x00, 0x00, 0x05, 20, 1, 0, 0, 0, 1, 2, 3, 4, 5];

        var messages = ReadAll(new ChunkReader(Limit), bytes);

        var message = Assert.Single(messages);
        Assert.Equal((3, (byte)20, 1u, 1000u), (message.ChunkStreamId, message.TypeId, message.StreamId, message.Timestamp));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, message.Data);
    }

    [Theory]
    [InlineData(64)]
    [InlineData(319)]
    [InlineData(320)]
    [InlineData(65599)]
    public void TwoAndThreeByteBasicHeaders_CarryTheirChunkStreamIds(int chunkStreamId)
    {
        var bytes = Write(new ChunkWriter(), (chunkStreamId, 9, 1, 40, [7, 7]));

        var message = Assert.Single(ReadAll(new ChunkReader(Limit), bytes));

        Assert.Equal(chunkStreamId, message.ChunkStreamId);
        Assert.Equal(chunkStreamId < 320 ? 2 : 3, bytes.Length - 11 - 2);
    }

    [Fact]
    public void Type1AndType2Headers_AddTheirDeltasToThePreviousTimestamp()
    {
        byte[] bytes =
        [
            0x04, 0x00, 0x00, 0x64, 0x00, 0x00, 0x01, 8, 1, 0, 0, 0, 0xAA, // type 0: ts 100, length 1, audio
            0x44, 0x00, 0x00, 0x15, 0x00, 0x00, 0x02, 8, 0xBB, 0xBB, // type 1: +21, length 2
            0x84, 0x00, 0x00, 0x17, 0xCC, 0xCC, // type 2: +23, same length and type
        ];

        var messages = ReadAll(new ChunkReader(Limit), bytes);

        Assert.Equal([100u, 121u, 144u], messages.Select(m => m.Timestamp));
        Assert.All(messages, m => Assert.Equal(1u, m.StreamId));
        Assert.Equal(new byte[] { 0xCC, 0xCC }, messages[2].Data);
    }

    [Fact]
    public void Type3Header_StartingANewMessage_RepeatsThePreviousDelta()
    {
        byte[] bytes =
        [
            0x04, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x01, 8, 1, 0, 0, 0, 0x01, // type 0: ts 10
            0x84, 0x00, 0x00, 0x14, 0x02, // type 2: +20 → 30
            0xC4, 0x03, // type 3: +20 again → 50
            0xC4, 0x04, // → 70
        ];

        var messages = ReadAll(new ChunkReader(Limit), bytes);

        Assert.Equal([10u, 30u, 50u, 70u], messages.Select(m => m.Timestamp));
    }

    [Fact]
    public void ExtendedTimestamps_AreReadOnTheFirstChunkAndSkippedOnContinuations()
    {
        var payload = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        var bytes = Write(new ChunkWriter(), (6, 9, 1, 0x01000000u, payload));

        // 300 bytes at 128 per chunk: three chunks, each carrying the 4-byte extended timestamp.
        Assert.Equal(1 + 11 + 4 + 128 + 1 + 4 + 128 + 1 + 4 + 44, bytes.Length);
        var message = Assert.Single(ReadAll(new ChunkReader(Limit), bytes));
        Assert.Equal(0x01000000u, message.Timestamp);
        Assert.Equal(payload, message.Data);
    }

    [Fact]
    public void ContinuationChunks_WithoutTheRepeatedExtendedTimestamp_AreStillRead()
    {
        // Some old encoders omit the extended field on continuation chunks; the reader tells by comparing the bytes.
        var payload = Enumerable.Range(1, 200).Select(i => (byte)i).ToArray();
        byte[] bytes =
        [
            0x06, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 200, 9, 1, 0, 0, 0, 0x7F, 0x00, 0x00, 0x00, .. payload[..128],
            0xC6, .. payload[128..],
        ];

        var message = Assert.Single(ReadAll(new ChunkReader(Limit), bytes));

        Assert.Equal(0x7F000000u, message.Timestamp);
        Assert.Equal(payload, message.Data);
    }

    [Fact]
    public void TimestampDeltas_WrapAroundAt32Bits()
    {
        byte[] bytes =
        [
            0x04, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x01, 8, 1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xF0, 0x01, // ts 0xFFFFFFF0
            0x84, 0x00, 0x00, 0x20, 0x02, // +32 wraps to 0x10
        ];

        var messages = ReadAll(new ChunkReader(Limit), bytes);

        Assert.Equal([0xFFFFFFF0u, 0x10u], messages.Select(m => m.Timestamp));
    }

    [Fact]
    public void SetChunkSize_AppliesToTheChunksThatFollowIt()
    {
        var writer = new ChunkWriter();
        var payload = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        var setChunkSize = Write(writer, (2, 1, 0, 0, [0, 0, 0x10, 0x00]));
        writer.ChunkSize = 4096;
        var big = Write(writer, (6, 9, 1, 0, payload));
        var reader = new ChunkReader(Limit);

        var messages = ReadAll(reader, [.. setChunkSize, .. big]);

        Assert.Equal(4096, reader.ChunkSize);
        Assert.Equal(1 + 11 + 1000, big.Length);
        Assert.Equal(payload, messages[1].Data);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(0x80000000u)]
    [InlineData(1048577u)]
    public void SetChunkSize_OutsideOneToTheMessageLimit_IsRefused(uint size)
    {
        var payload = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(payload, size);
        var bytes = Write(new ChunkWriter(), (2, 1, 0, 0, payload));

        var e = Assert.Throws<RtmpProtocolException>(() => ReadAll(new ChunkReader(Limit), bytes));
        Assert.Contains("Set Chunk Size", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InterleavedChunkStreams_ReassembleTheirMessagesIndependently()
    {
        var video = Enumerable.Repeat((byte)0x11, 200).ToArray();
        var audio = Enumerable.Repeat((byte)0x22, 150).ToArray();
        var writer = new ChunkWriter();
        var v = Write(writer, (6, 9, 1, 40, video));
        var a = Write(writer, (4, 8, 1, 41, audio));

        // video chunk 1, audio chunk 1, video chunk 2, audio chunk 2
        var v1 = 1 + 11 + 128;
        var a1 = 1 + 11 + 128;
        byte[] interleaved = [.. v[..v1], .. a[..a1], .. v[v1..], .. a[a1..]];

        var messages = ReadAll(new ChunkReader(Limit), interleaved);

        Assert.Equal([(byte)9, (byte)8], messages.Select(m => m.TypeId));
        Assert.Equal(video, messages[0].Data);
        Assert.Equal(audio, messages[1].Data);
    }

    [Fact]
    public void APartialChunk_IsNotConsumedUntilTheRestArrives()
    {
        var bytes = Write(new ChunkWriter(), (3, 20, 0, 0, [1, 2, 3, 4, 5, 6]));
        var reader = new ChunkReader(Limit);

        for (var cut = 1; cut < bytes.Length; cut++)
        {
            var head = new ReadOnlySequence<byte>(bytes[..cut]);
            Assert.False(reader.TryReadMessage(ref head, out _));
            Assert.Equal(cut, head.Length);
        }

        var whole = new ReadOnlySequence<byte>(bytes);
        Assert.True(reader.TryReadMessage(ref whole, out var message));
        Assert.Equal(6, message!.Length);
    }

    [Fact]
    public void AMessageLongerThanTheLimit_IsRefusedAtItsHeader()
    {
        // Only the header is sent: the reader must refuse before any payload arrives.
        byte[] header = [0x06, 0, 0, 0, 0x10, 0x00, 0x01, 9, 1, 0, 0, 0];

        var e = Assert.Throws<RtmpProtocolException>(() => ReadAll(new ChunkReader(64 * 1024), header));
        Assert.Contains("exceeds", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheFirstChunkOfAChunkStream_MustHaveAType0Header()
    {
        byte[] bytes = [0x44, 0x00, 0x00, 0x15, 0x00, 0x00, 0x02, 8, 1, 2];

        var e = Assert.Throws<RtmpProtocolException>(() => ReadAll(new ChunkReader(Limit), bytes));
        Assert.Contains("must be type 0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ManyChunkStreamsEachHoldingAPartialMessage_AreRefusedBeforeMemoryRunsAway()
    {
        var reader = new ChunkReader(64 * 1024);
        var bytes = new List<byte>();
        for (var csid = 3; csid < 10; csid++)
        {
            // each declares a 60 KB message and sends one 128-byte chunk of it
            bytes.AddRange([(byte)csid, 0, 0, 0, 0x00, 0xEA, 0x60, 9, 1, 0, 0, 0]);
            bytes.AddRange(new byte[128]);
        }

        var e = Assert.Throws<RtmpProtocolException>(() => ReadAll(reader, [.. bytes]));
        Assert.Contains("in progress", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Abort_DiscardsThePartialMessageOnItsChunkStream()
    {
        var writer = new ChunkWriter();
        var first = Write(writer, (6, 9, 1, 0, new byte[200]));
        var abort = Write(writer, (2, 2, 0, 0, [0, 0, 0, 6]));
        var next = Write(writer, (6, 9, 1, 33, [1, 2, 3]));

        var messages = ReadAll(new ChunkReader(Limit), [.. first[..(1 + 11 + 128)], .. abort, .. next]);

        Assert.Equal([(byte)2, (byte)9], messages.Select(m => m.TypeId));
        Assert.Equal(new byte[] { 1, 2, 3 }, messages[1].Data);
    }

    private static byte[] Write(ChunkWriter writer, params (int Csid, byte Type, uint StreamId, uint Timestamp, byte[] Payload)[] messages)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (var m in messages)
        {
            writer.Write(output, m.Csid, m.Type, m.StreamId, m.Timestamp, m.Payload);
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>Feeds the bytes one at a time, as the worst-case network would, and collects every message.</summary>
    private static List<Received> ReadAll(ChunkReader reader, byte[] bytes)
    {
        var messages = new List<Received>();
        var pending = Array.Empty<byte>();
        foreach (var b in bytes)
        {
            pending = [.. pending, b];
            var sequence = new ReadOnlySequence<byte>(pending);
            while (reader.TryReadMessage(ref sequence, out var message))
            {
                using (message)
                {
                    messages.Add(new Received(message!.ChunkStreamId, message.TypeId, message.StreamId, message.Timestamp, message.Payload.ToArray()));
                }
            }

            pending = sequence.ToArray();
        }

        Assert.Empty(pending);
        return messages;
    }

    private sealed record Received(int ChunkStreamId, byte TypeId, uint StreamId, uint Timestamp, byte[] Data);
}
