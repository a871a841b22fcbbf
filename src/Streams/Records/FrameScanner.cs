using System.Buffers.Binary;

namespace Platform.Streams.Records;

/// <summary>A record found in a segment, with where its frame starts.</summary>
public sealed record ScannedRecord(long Offset, int FrameLength, StreamRecordData Record);

/// <summary>A span of a segment that holds no valid frame; it is reported and skipped, never returned as data.</summary>
public readonly record struct CorruptRegion(long Offset, long Length)
{
    /// <summary>The segment the region is in, when a shard log read reports it.</summary>
    public uint Segment { get; init; }
}

/// <summary>The outcome of scanning a buffer of frames.</summary>
/// <param name="Records">The intact records, in segment order.</param>
/// <param name="Corrupt">The regions skipped because they hold no valid frame.</param>
/// <param name="Consumed">Bytes fully accounted for (whole frames and corrupt regions); an incomplete frame at the end is not.</param>
public sealed record FrameScan(IReadOnlyList<ScannedRecord> Records, IReadOnlyList<CorruptRegion> Corrupt, int Consumed);

/// <summary>Walks a buffer read from a segment and splits it into records and corrupt regions.</summary>
public static class FrameScanner
{
    /// <param name="buffer">Bytes read from the segment at <paramref name="baseOffset"/>.</param>
    /// <param name="baseOffset">The segment offset of the buffer's first byte, so reported offsets are segment offsets.</param>
    /// <param name="isEndOfData">True when nothing follows the buffer: an unfinished frame at its end is then corrupt, not incomplete.</param>
    public static FrameScan Scan(ReadOnlyMemory<byte> buffer, long baseOffset, bool isEndOfData)
    {
        var frames = Array.Empty<ScannedFrame>();
        List<CorruptRegion>? corrupt = null;
        var count = Locate(buffer.Span, baseOffset, isEndOfData, int.MaxValue, ref frames, ref corrupt, out var consumed);
        var records = new List<ScannedRecord>(count);
        foreach (var frame in frames.AsSpan(0, count))
        {
            var record = RecordFrame.Decode(buffer.Slice(frame.Position, frame.Layout.FrameLength), frame.Layout);
            records.Add(new ScannedRecord(baseOffset + frame.Position, frame.Layout.FrameLength, record));
        }

        return new FrameScan(records, corrupt ?? [], consumed);
    }

    /// <summary>
    /// Like <see cref="Scan"/>, but only finds where the intact frames are (no record objects) into
    /// <paramref name="frames"/> (grown as needed, so a reader can pass the same table back read after read), and
    /// stops after <paramref name="maxRecords"/>; returns how many were found. The scan every read path uses.
    /// </summary>
    /// <param name="buffer">Bytes read from the segment at <paramref name="baseOffset"/>.</param>
    /// <param name="baseOffset">The segment offset of the buffer's first byte, so reported offsets are segment offsets.</param>
    /// <param name="isEndOfData">True when nothing follows the buffer: an unfinished frame at its end is then corrupt, not incomplete.</param>
    /// <param name="maxRecords">Most frames to locate; the scan stops before the next one.</param>
    /// <param name="frames">Receives the frames from index 0; replaced by a larger array when full.</param>
    /// <param name="corrupt">Receives skipped regions (created on the first one).</param>
    /// <param name="consumed">Bytes fully accounted for (whole frames and corrupt regions); an incomplete frame at the end is not.</param>
    public static int Locate(ReadOnlySpan<byte> buffer, long baseOffset, bool isEndOfData, int maxRecords, ref ScannedFrame[] frames, ref List<CorruptRegion>? corrupt, out int consumed)
    {
        var count = 0;
        var position = 0;
        var firstNew = corrupt?.Count ?? 0;
        while (position < buffer.Length && count < maxRecords)
        {
            var status = RecordFrame.TryReadLayout(buffer[position..], out var layout);
            if (status == FrameStatus.Ok)
            {
                if (count == frames.Length)
                {
                    Array.Resize(ref frames, Math.Max(16, frames.Length * 2));
                }

                frames[count++] = new ScannedFrame(position, layout);
                position += layout.FrameLength;
                continue;
            }

            if (status == FrameStatus.Incomplete && !isEndOfData)
            {
                break;
            }

            // Resynchronise: the next offset where a whole, intact frame starts (or where one may start past the buffer).
            var next = FindNextFrame(buffer, position + 1, isEndOfData);
            corrupt ??= [];
            if (corrupt.Count > firstNew && corrupt[^1].Offset + corrupt[^1].Length == baseOffset + position)
            {
                corrupt[^1] = corrupt[^1] with { Length = corrupt[^1].Length + (next - position) }; // one region, found in steps
            }
            else
            {
                corrupt.Add(new CorruptRegion(baseOffset + position, next - position));
            }
            position = next;
        }

        consumed = position;
        return count;
    }

    private static int FindNextFrame(ReadOnlySpan<byte> buffer, int from, bool isEndOfData)
    {
        Span<byte> magic = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(magic, RecordFrame.Magic);
        for (var i = from; i < buffer.Length;)
        {
            var hit = buffer[i..].IndexOf(magic);
            if (hit < 0)
            {
                break;
            }

            i += hit;
            var status = RecordFrame.TryReadLayout(buffer[i..], out _);
            if (status == FrameStatus.Ok || (status == FrameStatus.Incomplete && !isEndOfData))
            {
                return i;
            }

            i++;
        }

        // A frame's magic may start in the last bytes and end past the buffer: keep those bytes for the next read.
        return isEndOfData ? buffer.Length : Math.Max(from, buffer.Length - 3);
    }
}
