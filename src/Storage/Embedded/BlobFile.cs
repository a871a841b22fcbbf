using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.Win32.SafeHandles;
using Platform.Storage.Integrity;

namespace Platform.Storage.Embedded;

/// <summary>
/// The on-disk form of one blob: two state slots (ping-pong) followed by the content.
/// A writer writes content first, then the slot it is not reading from, then fdatasyncs once, so a
/// crash at any point leaves either the old or the new state readable and never a partial block.
/// </summary>
internal sealed class BlobFile
{
    public const long DataOffset = 2L * BlobStateCodec.SlotSize;
    private const int FirstRead = 1024;
    private const int MaxTrackedFiles = 100_000;

    // What this process knows of each file's latest states: the one it made durable itself, and the two it last wrote
    // or checked. Only the newest states are ever asked about (a writer asks about the state it just loaded; a reader
    // checks the newest slot and at most the one before it), so a file needs no more, and forgetting is only a cost
    // (one more fdatasync or checksum), never a wrong answer. One lookup by path per question, no all-locks Count.
    private readonly ConcurrentDictionary<string, FileMarks> _marks = new(StringComparer.Ordinal);
    private int _trackedFiles;

    /// <summary>Loads the newest intact state, or null when neither slot holds one.</summary>
    public BlobState? Load(SafeFileHandle handle, string file)
    {
        var a = ReadSlot(handle, 0);
        var b = ReadSlot(handle, BlobStateCodec.SlotSize);
        if (a is not null && b is not null && b.SlotSequence > a.SlotSequence)
        {
            (a, b) = (b, a);
        }

        var newest = a ?? b;
        var older = a is null ? null : b;
        if (newest is null)
        {
            return null;
        }

        if (IsIntact(handle, file, newest))
        {
            return newest;
        }

        // The newest slot reached disk without its content (power loss between the writes): the older state is
        // the truth, provided its own bytes are intact too; otherwise there is no trustworthy state at all.
        return older is not null && IsIntact(handle, file, older) ? older : null;
    }

    /// <summary>
    /// Called by a writer, under the blob's lock, before it overwrites the slot that is not <paramref name="current"/>.
    /// If this process did not make <paramref name="current"/> durable itself (another writer may have died between
    /// writing it and syncing), sync now: the slot about to be overwritten is the only other copy of the truth.
    /// </summary>
    public void EnsureDurable(SafeFileHandle handle, string file, BlobState current)
    {
        if (!MarksOf(file).IsDurable(current))
        {
            NativeMethods.DataSync(handle);
            MarkDurable(file, current);
        }
    }

    /// <summary>Records that this process synced <paramref name="state"/> to disk.</summary>
    public void MarkDurable(string file, BlobState state) => MarksOf(file).MarkDurable(state);

    /// <summary>Writes the state into the slot its sequence selects; the caller syncs.</summary>
    public void WriteSlot(SafeFileHandle handle, string file, BlobState state)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BlobStateCodec.SlotSize);
        try
        {
            var length = BlobStateCodec.Encode(state, buffer);
            RandomAccess.Write(handle, buffer.AsSpan(0, length), SlotOffset(state.SlotSequence));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        MarkVerified(file, state);
    }

    /// <summary>Writes the state, then makes the file durable.</summary>
    public void WriteSlotAndSync(SafeFileHandle handle, string file, BlobState state)
    {
        WriteSlot(handle, file, state);
        NativeMethods.DataSync(handle);
        MarkDurable(file, state);
    }

    public static long SlotOffset(ulong sequence) => (long)(sequence % 2) * BlobStateCodec.SlotSize;

    private void MarkVerified(string file, BlobState state) => MarksOf(file).MarkVerified(state);

    private FileMarks MarksOf(string file)
    {
        if (_marks.TryGetValue(file, out var marks))
        {
            return marks;
        }

        // Deleted blobs' entries are dropped wholesale once there are many; the count is approximate under races.
        if (Interlocked.Increment(ref _trackedFiles) > MaxTrackedFiles)
        {
            _marks.Clear();
            Interlocked.Exchange(ref _trackedFiles, 1);
        }

        return _marks.GetOrAdd(file, static _ => new FileMarks());
    }

    private bool IsIntact(SafeFileHandle handle, string file, BlobState state)
    {
        if (state.UnsyncedLength == 0 || MarksOf(file).IsVerified(state))
        {
            return true;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(state.UnsyncedLength);
        try
        {
            var span = buffer.AsSpan(0, state.UnsyncedLength);
            var read = ReadFully(handle, span, DataOffset + state.UnsyncedOffset);
            if (read != span.Length || Crc32C.Compute(span) != state.UnsyncedCrc)
            {
                return false;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        MarkVerified(file, state);
        return true;
    }

    private static BlobState? ReadSlot(SafeFileHandle handle, long offset)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BlobStateCodec.SlotSize);
        try
        {
            var read = ReadFully(handle, buffer.AsSpan(0, FirstRead), offset);
            var payload = BlobStateCodec.PayloadLength(buffer.AsSpan(0, read));
            if (payload < 0)
            {
                return null;
            }

            var total = BlobStateCodec.HeaderSize + payload;
            if (total > read)
            {
                read += ReadFully(handle, buffer.AsSpan(read, total - read), offset + read);
            }

            return BlobStateCodec.TryDecode(buffer.AsSpan(0, read), out var state) ? state : null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static int ReadFully(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = RandomAccess.Read(handle, buffer[total..], offset + total);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    /// <summary>One file's latest durable and checked states, by generation and slot sequence.</summary>
    private sealed class FileMarks
    {
        private readonly Lock _lock = new();
        private StateId _durable;
        private StateId _verified;
        private StateId _verifiedBefore;

        public bool IsDurable(BlobState state)
        {
            var id = StateId.Of(state);
            lock (_lock)
            {
                return _durable == id;
            }
        }

        public void MarkDurable(BlobState state)
        {
            var id = StateId.Of(state);
            lock (_lock)
            {
                _durable = id;
                Remember(id);
            }
        }

        public bool IsVerified(BlobState state)
        {
            var id = StateId.Of(state);
            lock (_lock)
            {
                return _verified == id || _verifiedBefore == id;
            }
        }

        public void MarkVerified(BlobState state)
        {
            var id = StateId.Of(state);
            lock (_lock)
            {
                Remember(id);
            }
        }

        private void Remember(StateId id)
        {
            if (_verified != id)
            {
                _verifiedBefore = _verified;
                _verified = id;
            }
        }
    }

    /// <summary>A state's identity; the default (empty generation) matches no stored state.</summary>
    private readonly record struct StateId(Guid Generation, ulong Sequence)
    {
        public static StateId Of(BlobState state) => new(state.Generation, state.SlotSequence);
    }
}
