using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Platform.Streams.Client.EventStream;

namespace Platform.Streams.Client.Tests.EventStream;

public sealed class EventStreamReaderRejectionTests
{
    private static readonly byte[] Sample = EventStreamTestData.Encode(
        [EventStreamHeader.FromString(":message-type", "event"), new("n", EventStreamHeaderValue.FromInt64(7))],
        EventStreamTestData.Utf8("{\"message\":\"hello\"}"));

    [Fact]
    public void ACorruptedPreludeCrc_IsRejected_AsAPreludeChecksumMismatch()
    {
        var bytes = Sample.ToArray();
        bytes[9] ^= 0x01;

        var error = Read(bytes);

        Assert.Equal(EventStreamFormatError.PreludeChecksumMismatch, error.Error);
        Assert.Contains("prelude CRC", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACorruptedLengthField_IsCaughtByThePreludeCrc_BeforeTheMessageArrives()
    {
        var bytes = Sample.ToArray();
        bytes[3] ^= 0x40;

        // Only the 12-byte prelude is offered: a bad length must not leave the reader waiting for bytes that never come.
        var error = Read(bytes[..12]);

        Assert.Equal(EventStreamFormatError.PreludeChecksumMismatch, error.Error);
    }

    [Fact]
    public void ACorruptedMessageCrc_IsRejected_AsAMessageChecksumMismatch()
    {
        var bytes = Sample.ToArray();
        bytes[^1] ^= 0x80;

        var error = Read(bytes);

        Assert.Equal(EventStreamFormatError.MessageChecksumMismatch, error.Error);
        Assert.Contains("message CRC", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnySingleFlippedBit_AnywhereInAMessage_IsDetected()
    {
        for (var bit = 0; bit < Sample.Length * 8; bit++)
        {
            var bytes = Sample.ToArray();
            bytes[bit / 8] ^= (byte)(1 << (bit % 8));
            var buffer = new ReadOnlySequence<byte>(bytes);

            var rejected = false;
            try
            {
                new EventStreamReader().TryRead(ref buffer, out _);
            }
            catch (EventStreamFormatException)
            {
                rejected = true;
            }

            Assert.True(rejected, $"flipping bit {bit} went unnoticed");
        }
    }

    [Fact]
    public void AMessageOverTheSizeLimit_IsRefusedFromItsPreludeAlone()
    {
        var limits = new EventStreamLimits { MaxMessageLength = 1024 };
        var bytes = EventStreamTestData.Encode([], new byte[2000]);

        var error = Read(bytes[..12], limits);

        Assert.Equal(EventStreamFormatError.MessageTooLarge, error.Error);
        Assert.Contains("2016 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("1024-byte limit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADeclaredLengthOverTheDefault16MiB_IsRefused()
    {
        var error = Read(Prelude(totalLength: (16 * 1024 * 1024) + 1, headersLength: 0));

        Assert.Equal(EventStreamFormatError.MessageTooLarge, error.Error);
    }

    [Fact]
    public void HeadersOverTheHeadersLimit_AreRefusedFromThePrelude()
    {
        var error = Read(Prelude(totalLength: 200_000, headersLength: (128 * 1024) + 1));

        Assert.Equal(EventStreamFormatError.HeadersTooLarge, error.Error);
    }

    [Theory]
    [InlineData(0u, 0u)]
    [InlineData(15u, 0u)]
    [InlineData(30u, 15u)]
    public void LengthsThatContradictEachOther_AreRejected(uint totalLength, uint headersLength)
    {
        var error = Read(Prelude(totalLength, headersLength));

        Assert.Equal(EventStreamFormatError.InvalidLength, error.Error);
    }

    [Fact]
    public void AnIncompleteMessage_IsNotAnError_UntilTheStreamEnds()
    {
        var reader = new EventStreamReader();
        for (var length = 0; length < Sample.Length; length++)
        {
            var buffer = new ReadOnlySequence<byte>(Sample, 0, length);
            Assert.False(reader.TryRead(ref buffer, out _));
            Assert.Equal(length, buffer.Length);
        }
    }

    [Theory]
    [InlineData(5)]
    [InlineData(20)]
    public async Task AStreamEndingPartwayThroughAMessage_IsRejected_AsTruncated(int cut)
    {
        var bytes = Sample.Concat(Sample[..^cut]).ToArray();
        var decoded = 0;

        var error = await Assert.ThrowsAsync<EventStreamFormatException>(async () =>
        {
            await foreach (var message in new EventStreamReader().ReadAllAsync(new MemoryStream(bytes)))
            {
                decoded++;
            }
        });

        Assert.Equal(1, decoded);
        Assert.Equal(EventStreamFormatError.Truncated, error.Error);
        Assert.Contains($"ended {Sample.Length - cut} bytes into a message of {Sample.Length} bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStreamEndingInsideAPrelude_IsRejected_AsTruncated()
    {
        var error = await Assert.ThrowsAsync<EventStreamFormatException>(async () =>
        {
            await foreach (var unused in new EventStreamReader().ReadAllAsync(new MemoryStream(Sample[..7])))
            {
            }
        });

        Assert.Equal(EventStreamFormatError.Truncated, error.Error);
        Assert.Contains("before its 12-byte prelude", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEmptyStream_HasNoMessages()
    {
        var count = 0;
        await foreach (var unused in new EventStreamReader().ReadAllAsync(new MemoryStream()))
        {
            count++;
        }

        Assert.Equal(0, count);
    }

    [Fact]
    public async Task CancellingAPendingRead_StopsReadingWithOperationCanceled()
    {
        var pipe = new Pipe();
        using var cancellation = new CancellationTokenSource();
        var reading = Task.Run(async () =>
        {
            await foreach (var unused in new EventStreamReader().ReadAllAsync(pipe.Reader, cancellation.Token))
            {
            }
        });

        await pipe.Writer.WriteAsync(Sample.AsMemory(0, 5));
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
    }

    [Theory]
    [InlineData("00", "an empty name")]
    [InlineData("0161", "runs past the end")]
    [InlineData("01610A", "unknown value type 10")]
    [InlineData("016104000000", "Integer value of header 'a' runs past the end")]
    [InlineData("01610700", "length of header 'a' runs past the end")]
    [InlineData("0161070005616263", "String value of header 'a' runs past the end")]
    [InlineData("016100016100", "header 'a' appears more than once")]
    [InlineData("01FF00", "name is not valid UTF-8")]
    [InlineData("016107000180", "'a' value is not valid UTF-8")]
    public void MalformedHeaders_InsideAValidMessage_AreRejected_NamingTheProblem(string headersHex, string expected)
    {
        var error = Read(WithRawHeaders(Convert.FromHexString(headersHex)));

        Assert.Equal(EventStreamFormatError.InvalidHeader, error.Error);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ManyHeaders_WithALateDuplicate_AreRejected()
    {
        var headers = Enumerable.Range(0, 40).Select(i => new EventStreamHeader($"h{i}", EventStreamHeaderValue.FromBoolean(true))).ToList();
        var encoded = EventStreamTestData.Encode([.. headers], []);
        var raw = encoded.AsSpan(12, encoded.Length - 16).ToArray();
        var duplicate = raw.Concat(new byte[] { 2, (byte)'h', (byte)'7', 0 }).ToArray();

        var error = Read(WithRawHeaders(duplicate));

        Assert.Contains("'h7' appears more than once", error.Message, StringComparison.Ordinal);
    }

    private static EventStreamFormatException Read(byte[] bytes, EventStreamLimits? limits = null)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        return Assert.Throws<EventStreamFormatException>(() => new EventStreamReader(limits).TryRead(ref buffer, out _));
    }

    private static byte[] Prelude(uint totalLength, uint headersLength)
    {
        var prelude = new byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(prelude, totalLength);
        BinaryPrimitives.WriteUInt32BigEndian(prelude.AsSpan(4), headersLength);
        BinaryPrimitives.WriteUInt32BigEndian(prelude.AsSpan(8), Crc32.Compute(prelude.AsSpan(0, 8)));
        return prelude;
    }

    // A message with correct lengths and CRCs around arbitrary header bytes, to reach the header checks.
    private static byte[] WithRawHeaders(byte[] headers)
    {
        var total = 16 + headers.Length;
        var message = new byte[total];
        Prelude((uint)total, (uint)headers.Length).CopyTo(message, 0);
        headers.CopyTo(message, 12);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(total - 4), Crc32.Compute(message.AsSpan(0, total - 4)));
        return message;
    }
}
