using System.Collections;
using Platform.Streams.Log;
using Platform.Streams.Records;

namespace Platform.Triggers.Engine;

/// <summary>
/// A run of records of one read, as the list a function receives: records are made from the read's frame table
/// only when someone indexes them (and then kept), so a batch that is counted, sliced, queued and checkpointed costs
/// no object per record. Slicing shares the underlying read.
/// </summary>
internal sealed class RecordRun : IReadOnlyList<StreamRecord>
{
    private readonly Frames _frames;
    private readonly int _offset;

    /// <summary>The records <paramref name="first"/>.. of a read (or those listed in <paramref name="indices"/>, in order).</summary>
    public RecordRun(RecordSource source, ShardFrames frames, int first, int count, int[]? indices = null)
        : this(new Frames(source, frames, first, count, indices), 0, count)
    {
    }

    private RecordRun(Frames frames, int offset, int count)
    {
        _frames = frames;
        _offset = offset;
        Count = count;
    }

    public int Count { get; }

    public StreamRecord this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return _frames.Record(_offset + index);
        }
    }

    /// <summary>The data length of record <paramref name="index"/>, without making the record.</summary>
    public int DataLength(int index) => _frames.Slice(_offset + index).DataLength;

    /// <summary>Records <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/>, sharing this run's read.</summary>
    public RecordRun Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)start + (uint)count, (uint)Count);
        return new RecordRun(_frames, _offset + start, count);
    }

    public IEnumerator<StreamRecord> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return _frames.Record(_offset + i);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The read the runs share, with the records made so far.</summary>
    private sealed class Frames(RecordSource source, ShardFrames frames, int first, int count, int[]? indices)
    {
        private StreamRecord?[]? _records;

        public ref readonly ScannedFrame Slice(int index) => ref frames.Slices[indices is null ? first + index : indices[index]];

        public StreamRecord Record(int index)
        {
            var records = _records ?? Interlocked.CompareExchange(ref _records, new StreamRecord?[count], null) ?? _records!;
            if (Volatile.Read(ref records[index]) is { } made)
            {
                return made;
            }

            var frame = indices is null ? first + index : indices[index];
            var record = new StreamRecord(source, frames.Buffer, in frames.Slices[frame], frames.SequenceNumberOf(frame));

            // Two lanes never share a run, but a checkpoint may read one while its lane does: keep the first made.
            return Interlocked.CompareExchange(ref records[index], record, null) ?? record;
        }
    }
}
