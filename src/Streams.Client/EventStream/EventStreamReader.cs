using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Platform.Streams.Client.EventStream;

/// <summary>
/// Decodes event stream messages incrementally from a <see cref="ReadOnlySequence{T}"/>, the shape a
/// <see cref="PipeReader"/> hands out. Both CRCs and every length are checked; the prelude is checked as
/// soon as its 12 bytes arrive, so a corrupt or oversized length is refused before anything is buffered
/// for it. Safe to share: it holds only its limits.
/// </summary>
public sealed class EventStreamReader
{
    private const int PreludeLength = 12;
    private const int ChecksumLength = 4;

    public EventStreamReader(EventStreamLimits? limits = null)
    {
        Limits = limits ?? EventStreamLimits.Default;
    }

    public EventStreamLimits Limits { get; }

    /// <summary>
    /// Decodes the message at the start of <paramref name="buffer"/> and slices <paramref name="buffer"/>
    /// past it. Returns false, leaving <paramref name="buffer"/> untouched, while the message is incomplete.
    /// </summary>
    /// <exception cref="EventStreamFormatException">
    /// The bytes cannot be a valid message: a CRC mismatch, inconsistent lengths, a length over
    /// <see cref="Limits"/>, or malformed headers. The stream cannot be resynchronised and must be dropped.
    /// </exception>
    public bool TryRead(ref ReadOnlySequence<byte> buffer, [NotNullWhen(true)] out EventStreamMessage? message)
    {
        message = null;
        if (buffer.Length < PreludeLength)
        {
            return false;
        }

        Span<byte> prelude = stackalloc byte[PreludeLength];
        buffer.Slice(0, PreludeLength).CopyTo(prelude);
        var (totalLength, headersLength) = ValidatePrelude(prelude);
        if (buffer.Length < totalLength)
        {
            return false;
        }

        var whole = buffer.Slice(0, totalLength);
        var checksummed = whole.Slice(0, totalLength - ChecksumLength);
        Span<byte> trailer = stackalloc byte[ChecksumLength];
        whole.Slice(totalLength - ChecksumLength).CopyTo(trailer);
        var expected = BinaryPrimitives.ReadUInt32BigEndian(trailer);
        var actual = Crc32.Compute(checksummed);
        if (expected != actual)
        {
            throw new EventStreamFormatException(
                EventStreamFormatError.MessageChecksumMismatch,
                $"Event stream message CRC mismatch: the message of {totalLength} bytes declares 0x{expected:X8} but its content hashes to 0x{actual:X8}; the headers or payload are corrupt.");
        }

        var headers = ReadHeaders(checksummed.Slice(PreludeLength, headersLength));
        var payload = checksummed.Slice(PreludeLength + headersLength).ToArray();
        message = new EventStreamMessage(headers, payload);
        buffer = buffer.Slice(totalLength);
        return true;
    }

    /// <summary>
    /// Reads messages until <paramref name="input"/> completes. Does not complete <paramref name="input"/>:
    /// its owner does, with the exception when one is thrown.
    /// </summary>
    /// <exception cref="EventStreamFormatException">A message is invalid (see <see cref="TryRead"/>), or the input ended partway through one (<see cref="EventStreamFormatError.Truncated"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired, or the read was cancelled through <see cref="PipeReader.CancelPendingRead"/>.</exception>
    public async IAsyncEnumerable<EventStreamMessage> ReadAllAsync(PipeReader input, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (TryRead(ref buffer, out var message))
            {
                // Consumed but not examined past it: the next ReadAsync returns the rest without waiting.
                input.AdvanceTo(buffer.Start);
                yield return message;
                continue;
            }

            if (result.IsCanceled)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                throw new OperationCanceledException("The event stream read was cancelled.");
            }

            if (result.IsCompleted)
            {
                var truncation = buffer.IsEmpty ? null : DescribeTruncation(buffer);
                input.AdvanceTo(buffer.End);
                if (truncation is not null)
                {
                    throw new EventStreamFormatException(EventStreamFormatError.Truncated, truncation);
                }

                yield break;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Reads messages until <paramref name="input"/> ends, leaving the stream open.</summary>
    /// <exception cref="EventStreamFormatException">As for <see cref="ReadAllAsync(PipeReader, CancellationToken)"/>.</exception>
    public async IAsyncEnumerable<EventStreamMessage> ReadAllAsync(Stream input, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var reader = PipeReader.Create(input, new StreamPipeReaderOptions(leaveOpen: true));
        try
        {
            await foreach (var message in ReadAllAsync(reader, cancellationToken))
            {
                yield return message;
            }
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    private (int TotalLength, int HeadersLength) ValidatePrelude(ReadOnlySpan<byte> prelude)
    {
        var totalLength = BinaryPrimitives.ReadUInt32BigEndian(prelude);
        var headersLength = BinaryPrimitives.ReadUInt32BigEndian(prelude[4..]);
        var expected = BinaryPrimitives.ReadUInt32BigEndian(prelude[8..]);
        var actual = Crc32.Compute(prelude[..8]);
        if (expected != actual)
        {
            throw new EventStreamFormatException(
                EventStreamFormatError.PreludeChecksumMismatch,
                $"Event stream prelude CRC mismatch: declared 0x{expected:X8}, computed 0x{actual:X8} over total length {totalLength} and headers length {headersLength}; the lengths cannot be trusted.");
        }

        if (totalLength < EventStreamLimits.MinimumMessageLength)
        {
            throw new EventStreamFormatException(
                EventStreamFormatError.InvalidLength,
                $"Event stream message declares a total length of {totalLength} bytes, below the {EventStreamLimits.MinimumMessageLength}-byte minimum of prelude and CRCs.");
        }

        if (totalLength > (uint)Limits.MaxMessageLength)
        {
            throw new EventStreamFormatException(
                EventStreamFormatError.MessageTooLarge,
                $"Event stream message declares {totalLength} bytes, over the {Limits.MaxMessageLength}-byte limit.");
        }

        if (headersLength > (uint)Limits.MaxHeadersLength)
        {
            throw new EventStreamFormatException(
                EventStreamFormatError.HeadersTooLarge,
                $"Event stream message declares {headersLength} bytes of headers, over the {Limits.MaxHeadersLength}-byte limit.");
        }

        if (headersLength > totalLength - EventStreamLimits.MinimumMessageLength)
        {
            throw new EventStreamFormatException(
                EventStreamFormatError.InvalidLength,
                $"Event stream message declares {headersLength} bytes of headers but its total length of {totalLength} leaves room for only {totalLength - EventStreamLimits.MinimumMessageLength}.");
        }

        return ((int)totalLength, (int)headersLength);
    }

    private static EventStreamHeader[] ReadHeaders(ReadOnlySequence<byte> section)
    {
        if (section.IsSingleSegment)
        {
            return EventStreamHeaderCodec.Read(section.FirstSpan);
        }

        // Headers split across segments are gathered once; they are bounded by MaxHeadersLength.
        var length = (int)section.Length;
        var scratch = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            section.CopyTo(scratch);
            return EventStreamHeaderCodec.Read(scratch.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private static string DescribeTruncation(ReadOnlySequence<byte> remaining)
    {
        if (remaining.Length < PreludeLength)
        {
            return $"The event stream ended {remaining.Length} bytes into a message, before its 12-byte prelude was complete.";
        }

        Span<byte> prelude = stackalloc byte[4];
        remaining.Slice(0, 4).CopyTo(prelude);
        return $"The event stream ended {remaining.Length} bytes into a message of {BinaryPrimitives.ReadUInt32BigEndian(prelude)} bytes.";
    }
}
