using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using Platform.Storage;
using Platform.Streams.Records;

namespace Platform.Streams.Log;

/// <summary>
/// One shard's records as a chain of append-blob segments (<c>{prefix}/0000000000</c>, <c>…/0000000001</c>, …).
/// A batch is one append block of frames, so it is durable and atomic as a whole, and several hosts may
/// append to the same shard at once without coordinating: each learns its records' positions from the
/// offset the append reports. Readers need no index: a sequence number is a segment and an offset.
/// </summary>
/// <remarks>
/// Ordering across segments: a segment is sealed before the next one is created, and a reader moves on
/// only from a sealed segment, so no record can land behind a reader. A writer that meets a sealed
/// segment helps the roll (creates the next segment) unless the shard's <c>closed</c> marker exists.
/// Closing writes the marker, seals the last segment, and ends the chain with a sealed empty segment,
/// which no writer can roll past.
/// </remarks>
public sealed partial class ShardLog : IDisposable
{
    private readonly IBlobStore _store;
    private readonly string _container;
    private readonly string _prefix;
    private readonly ShardLogOptions _options;
    private readonly SemaphoreSlim _rollGate = new(1, 1);
    private uint _segment;
    private StrongBox<SequenceNumber>? _lastAppendEnd;

    private ShardLog(IBlobStore store, string container, string prefix, ShardLogOptions options, uint segment)
    {
        _store = store;
        _container = container;
        _prefix = prefix;
        _options = options;
        _segment = segment;
    }

    public void Dispose() => _rollGate.Dispose();

    /// <summary>
    /// The position just past the last batch this instance appended, or null before its first append: readers in
    /// this process compare it with where they caught up, so a commit that lands between their read and their wait
    /// is not missed.
    /// </summary>
    public SequenceNumber? LastAppendEnd => Volatile.Read(ref _lastAppendEnd)?.Value;

    /// <summary>The segment new appends go to (as far as this instance knows).</summary>
    public uint CurrentSegment => Volatile.Read(ref _segment);

    /// <summary>Opens the shard's log, creating its first segment when the shard is new.</summary>
    public static async Task<ShardLog> OpenAsync(IBlobStore store, string container, string prefix, ShardLogOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ShardLogOptions();
        options.Validate();
        var latest = await FindLatestSegmentAsync(store, container, prefix, cancellationToken);
        var log = new ShardLog(store, container, prefix, options, latest ?? 0);
        if (latest is null)
        {
            await log.CreateSegmentAsync(0, cancellationToken);
        }

        return log;
    }

    /// <summary>
    /// Appends a batch as one block and returns each record's sequence number, in order. Fails with
    /// <see cref="ShardClosedException"/> once the shard is sealed. The batch's frames must fit one block (4 MiB).
    /// </summary>
    public async Task<IReadOnlyList<SequenceNumber>> AppendAsync(IReadOnlyList<StreamRecordData> batch, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(batch.Count);
        var frameOffsets = new int[batch.Count];
        var total = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            frameOffsets[i] = total;
            total += RecordFrame.Measure(batch[i]);
        }

        if (total > BlobLimits.MaxAppendBlockBytes)
        {
            throw new ArgumentException($"A batch of {total} bytes of frames exceeds one append block ({BlobLimits.MaxAppendBlockBytes} bytes).", nameof(batch));
        }

        var buffer = ArrayPool<byte>.Shared.Rent(total);
        try
        {
            for (var i = 0; i < batch.Count; i++)
            {
                RecordFrame.Write(batch[i], buffer.AsSpan(frameOffsets[i]));
            }

            var start = await AppendFramesAsync(buffer.AsMemory(0, total), cancellationToken);
            var sequenceNumbers = new SequenceNumber[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                sequenceNumbers[i] = new SequenceNumber(start.Segment, start.Offset + frameOffsets[i]);
            }

            return sequenceNumbers;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Appends frames already encoded (<see cref="RecordFrame.Write(Span{byte}, ReadOnlySpan{byte}, UInt128?, long, ReadOnlySpan{byte})"/>)
    /// as one block and returns the position of its first byte: a frame at offset k of the block has sequence
    /// number (segment, offset + k). Fails with <see cref="ShardClosedException"/> once the shard is sealed.
    /// </summary>
    public async Task<SequenceNumber> AppendFramesAsync(ReadOnlyMemory<byte> block, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(block.Length);
        if (block.Length > BlobLimits.MaxAppendBlockBytes)
        {
            throw new ArgumentException($"A batch of {block.Length} bytes of frames exceeds one append block ({BlobLimits.MaxAppendBlockBytes} bytes).", nameof(block));
        }

        while (true)
        {
            var segment = CurrentSegment;
            try
            {
                var appended = await _store.AppendBlockAsync(SegmentPath(segment), block, new AppendConditions { MaxSize = Math.Max(_options.SegmentMaxBytes, block.Length) }, cancellationToken);
                Volatile.Write(ref _lastAppendEnd, new StrongBox<SequenceNumber>(new SequenceNumber(segment, appended.Offset + block.Length)));
                return new SequenceNumber(segment, appended.Offset);
            }
            catch (BlobStorageException e) when (e.ErrorCode is BlobErrorCodes.MaxBlobSizeConditionNotMet or BlobErrorCodes.BlockCountExceedsLimit or BlobErrorCodes.BlobIsSealed)
            {
                await RollAsync(segment, cancellationToken);
            }
            catch (BlobNotFoundException)
            {
                // Retention deleted the segment this instance was aimed at (after sealing it): catch up to the latest.
                await CatchUpAsync(segment, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Closes the shard: after this returns no append from any host lands, and later ones fail with
    /// <see cref="ShardClosedException"/>. Returns the position just past the last record.
    /// </summary>
    public async Task<SequenceNumber> CloseAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await _store.PutBlockBlobAsync(ClosedMarker, ReadOnlyMemory<byte>.Empty, new PutBlobOptions { Conditions = BlobConditions.IfAbsent }, cancellationToken);
        }
        catch (BlobConflictException e) when (e.ErrorCode == BlobErrorCodes.BlobAlreadyExists)
        {
            // Closed before, or by another host at the same time: finishing the chain again is harmless.
        }

        var segment = await FindLatestSegmentAsync(_store, _container, _prefix, cancellationToken) ?? 0;
        while (true)
        {
            await _store.SealAppendBlobAsync(SegmentPath(segment), cancellationToken: cancellationToken);
            try
            {
                // The terminal segment: created empty and sealed by the closer, so nobody can roll past it.
                await _store.CreateAppendBlobAsync(SegmentPath(segment + 1), new PutBlobOptions { Conditions = BlobConditions.IfAbsent }, cancellationToken);
                await _store.SealAppendBlobAsync(SegmentPath(segment + 1), cancellationToken: cancellationToken);
                Volatile.Write(ref _segment, segment + 1);
                return new SequenceNumber(segment + 1, 0);
            }
            catch (BlobConflictException e) when (e.ErrorCode == BlobErrorCodes.BlobAlreadyExists)
            {
                segment++; // a writer rolled first: seal its segment too and try again past it
            }
        }
    }

    /// <summary>
    /// Reads records starting at <paramref name="from"/> (inclusive), at most <paramref name="maxRecords"/>,
    /// moving on to later segments as earlier ones end.
    /// </summary>
    public async Task<ShardRead> ReadAsync(SequenceNumber from, int maxRecords, CancellationToken cancellationToken = default) =>
        await ReadAsync(from, maxRecords, long.MaxValue, cancellationToken);

    /// <summary>
    /// Reads records starting at <paramref name="from"/> (inclusive): at most <paramref name="maxRecords"/>, and
    /// stops before the record that would take the data past <paramref name="maxBytes"/> (the first record is
    /// always returned). A position in a segment that retention deleted continues at the oldest one left.
    /// </summary>
    public async Task<ShardRead> ReadAsync(SequenceNumber from, int maxRecords, long maxBytes, CancellationToken cancellationToken = default)
    {
        using var read = await ReadFramesAsync(from, maxRecords, maxBytes, cancellationToken);
        var records = new List<ShardRecord>(read.Frames.Count);
        foreach (var frame in read.Frames)
        {
            records.Add(frame.ToRecord());
        }

        return new ShardRead(records, read.Next, read.Corrupt, read.CaughtUp);
    }

    /// <summary>
    /// <see cref="ReadAsync(SequenceNumber, int, long, CancellationToken)"/> without decoding: the frames as stored
    /// (slices of the read buffers), for writing responses straight from them.
    /// </summary>
    public async Task<ShardFrameRead> ReadFramesAsync(SequenceNumber from, int maxRecords, long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecords, 1);
        var frames = new List<StoredFrame>(Math.Min(maxRecords, 1024));
        var rented = new List<byte[]>(2);
        var scanned = Array.Empty<ScannedFrame>();
        List<CorruptRegion>? corrupt = null;
        var position = from;
        long bytes = 0;
        long frameBytes = 0;
        var readBytes = FirstReadBytes(maxRecords, maxBytes);
        try
        {
            while (frames.Count < maxRecords)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(readBytes + 1); // and the byte before the position (ReadSegmentAsync)
                rented.Add(buffer);
                var (chunk, at) = await ReadSegmentAsync(position, readBytes, buffer, cancellationToken);
                position = at;
                if (chunk is null)
                {
                    return Done(position, caughtUp: true);
                }

                var reachedEnd = position.Offset + chunk.Content.Length >= chunk.Properties.Length;
                var firstCorrupt = corrupt?.Count ?? 0;
                // Only as many frames as the answer can still take are checked: a small Limit costs a small read and scan.
                var count = FrameScanner.Locate(chunk.Content.Span, position.Offset, reachedEnd, maxRecords - frames.Count, ref scanned, ref corrupt, out var consumed);
                StampSegment(corrupt, firstCorrupt, position.Segment);
                foreach (var found in scanned.AsSpan(0, count))
                {
                    var sequenceNumber = new SequenceNumber(position.Segment, position.Offset + found.Position);
                    if (frames.Count > 0 && bytes + found.Layout.DataLength > maxBytes)
                    {
                        // Regions past the answer's end are met again, and reported then, by the read that continues here.
                        corrupt?.RemoveAll(c => c.Segment == sequenceNumber.Segment && c.Offset >= sequenceNumber.Offset);
                        return Done(sequenceNumber, caughtUp: false);
                    }

                    bytes += found.Layout.DataLength;
                    frameBytes += found.Layout.FrameLength;
                    frames.Add(new StoredFrame(sequenceNumber, chunk.Content.Slice(found.Position, found.Layout.FrameLength), found.Layout));
                }

                position = new SequenceNumber(position.Segment, position.Offset + consumed);
                if (position.Offset >= chunk.Properties.Length && !chunk.Properties.IsSealed)
                {
                    // Everything the open segment held when read is taken: caught up, as the read at its end would say,
                    // without that read (a refused range, then a properties call: two more storage requests per tail poll).
                    return Done(position, caughtUp: true);
                }

                readBytes = (count, consumed, reachedEnd) switch
                {
                    // One frame longer than the read: read it whole (its header says how long; the chunk holds the largest).
                    (0, 0, false) => ClampRead(RecordFrame.DeclaredLength(chunk.Content.Span)),
                    // Nothing but damage so far: cross it in full chunks, not in reads sized for a few records.
                    (0, _, _) => _options.ReadChunkBytes,
                    _ => NextReadBytes(maxRecords - frames.Count, frames.Count == 0 ? 0 : frameBytes / frames.Count, maxBytes - bytes),
                };
            }

            return Done(position, caughtUp: false);
        }
        catch
        {
            ShardFrameRead.Return(rented);
            throw;
        }

        ShardFrameRead Done(SequenceNumber next, bool caughtUp)
        {
            // A buffer no frame came from (the read found nothing, or only damage) goes back at once.
            if (frames.Count == 0)
            {
                ShardFrameRead.Return(rented);
                return new ShardFrameRead(frames, next, corrupt ?? [], caughtUp);
            }

            return new ShardFrameRead(frames, next, corrupt ?? [], caughtUp, rented);
        }
    }

    /// <summary>What a read of records guesses a frame takes before it has seen any (a 1 KiB record and its key, with room).</summary>
    private const int GuessedFrameBytes = 2048;

    /// <summary>The least one storage read of a record read fetches.</summary>
    private const int MinReadBytes = 64 * 1024;

    /// <summary>The smallest storage read that answers a read of this many records; 64 KiB to the log's read chunk.</summary>
    private int FirstReadBytes(int maxRecords, long maxBytes) =>
        ClampRead(Math.Min((long)maxRecords * GuessedFrameBytes, FramesFor(maxBytes)));

    /// <summary>The next read, sized by the frames read so far (their average length) for the records still wanted.</summary>
    private int NextReadBytes(int recordsLeft, long averageFrameBytes, long dataBytesLeft) =>
        ClampRead(Math.Min(recordsLeft * Math.Max(averageFrameBytes + (averageFrameBytes / 8), GuessedFrameBytes / 4), FramesFor(dataBytesLeft)));

    /// <summary>
    /// Storage bytes that hold this much record data with room for the frames' headers and keys. A frame that does
    /// not fit is read again from its start by the next read (a single frame larger than a read, at its declared length).
    /// </summary>
    private static long FramesFor(long dataBytes)
    {
        var data = Math.Clamp(dataBytes, 0, int.MaxValue);
        return data + (data / 8) + MinReadBytes;
    }

    private int ClampRead(long bytes) => (int)Math.Clamp(bytes, MinReadBytes, _options.ReadChunkBytes);

    /// <summary>
    /// One storage read of up to <paramref name="bytes"/> at <paramref name="position"/>, moving past a finished
    /// (sealed) segment and a position in a segment that retention deleted. The chunk is null when the shard holds
    /// nothing there yet (caught up); the position is where the chunk was read, or where the caller caught up.
    /// </summary>
    /// <param name="position">Where to read.</param>
    /// <param name="bytes">Most bytes to read.</param>
    /// <param name="into">The caller's buffer to read into, at least <paramref name="bytes"/> + 1 long (the read starts a byte early), or null for a new array.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    private async Task<(BlobDownload? Chunk, SequenceNumber Position)> ReadSegmentAsync(SequenceNumber position, int bytes, Memory<byte>? into, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                // From one byte before the position when there is one: that range exists even when the position is at
                // the end of what the segment holds, so a caught-up poll learns the segment's length and sealed flag
                // from this one request, not from a refused range (an exception) and then a properties call.
                var path = SegmentPath(position.Segment);
                var back = position.Offset > 0 ? 1 : 0;
                var chunk = into is { } destination
                    ? await _store.ReadIntoAsync(path, position.Offset - back, destination[..(bytes + back)], cancellationToken: cancellationToken)
                    : await _store.ReadAsync(path, new BlobRange(position.Offset - back, bytes + back), cancellationToken: cancellationToken);
                if (back > 0)
                {
                    chunk = chunk with { Offset = chunk.Offset + back, Content = chunk.Content[back..] };
                }

                if (!chunk.Content.IsEmpty)
                {
                    return (chunk, position);
                }

                if (await NextSegmentStartAsync(position, chunk.Properties.IsSealed, cancellationToken) is not { } next)
                {
                    return (null, position);
                }

                position = next;
            }
            catch (BlobNotFoundException)
            {
                var oldest = await FindOldestSegmentAsync(cancellationToken);
                if (oldest is null || oldest <= position.Segment)
                {
                    return (null, position);
                }

                position = new SequenceNumber(oldest.Value, 0);
            }
            catch (BlobStorageException e) when (e.ErrorCode == BlobErrorCodes.InvalidRange)
            {
                // At the end of this segment. Only a sealed segment is finished; then continue in the next one.
                var properties = await _store.GetPropertiesAsync(SegmentPath(position.Segment), cancellationToken: cancellationToken);
                if (properties.IsSealed && properties.Length > position.Offset)
                {
                    continue; // records landed between the read and the seal: read them before moving on
                }

                if (await NextSegmentStartAsync(position, properties.IsSealed, cancellationToken) is not { } next)
                {
                    return (null, position);
                }

                position = next;
            }
        }
    }

    /// <summary>
    /// At the end of a segment as it stands: an open one may still grow (null: caught up); a sealed one leads to the
    /// start of the next, once that exists.
    /// </summary>
    private async Task<SequenceNumber?> NextSegmentStartAsync(SequenceNumber end, bool isSealed, CancellationToken cancellationToken) =>
        isSealed && await SegmentExistsAsync(end.Segment + 1, cancellationToken) ? new SequenceNumber(end.Segment + 1, 0) : null;

    /// <summary>Marks the corrupt regions a scan added (from <paramref name="from"/> on) with the segment they are in.</summary>
    private static void StampSegment(List<CorruptRegion>? corrupt, int from, uint segment)
    {
        for (var c = from; c < (corrupt?.Count ?? 0); c++)
        {
            corrupt![c] = corrupt[c] with { Segment = segment };
        }
    }

    /// <summary>Where the record after <paramref name="sequenceNumber"/> starts (for AFTER_SEQUENCE_NUMBER).</summary>
    public async Task<SequenceNumber> PositionAfterAsync(SequenceNumber sequenceNumber, CancellationToken cancellationToken = default)
    {
        // One read answers both questions: is there a record here, and where does the next one start.
        var read = await ReadAsync(sequenceNumber, 2, cancellationToken);
        if (read.Records.Count == 0 || read.Records[0].SequenceNumber != sequenceNumber)
        {
            throw new ArgumentException($"No record has sequence number {sequenceNumber} in this shard.", nameof(sequenceNumber));
        }

        return read.Records.Count > 1 ? read.Records[1].SequenceNumber : read.Next;
    }

    /// <summary>The position just past the last record written so far (for LATEST).</summary>
    public async Task<SequenceNumber> TipAsync(CancellationToken cancellationToken = default)
    {
        var segments = await ListSegmentsAsync(cancellationToken);
        if (segments.Count == 0)
        {
            return new SequenceNumber(CurrentSegment, 0);
        }

        var last = segments[^1];
        return new SequenceNumber(last.Segment, last.Length);
    }

    /// <summary>The segments that exist, oldest first, with their size, seal and last write time.</summary>
    public async Task<IReadOnlyList<SegmentInfo>> ListSegmentsAsync(CancellationToken cancellationToken = default)
    {
        var segments = new List<SegmentInfo>();
        string? token = null;
        do
        {
            var page = await _store.ListBlobsAsync(_container, _prefix + "/", token, cancellationToken: cancellationToken);
            foreach (var item in page.Items)
            {
                if (TryParseSegment(item.Name, _prefix, out var segment))
                {
                    segments.Add(new SegmentInfo(segment, item.Length, item.IsSealed, item.LastModified));
                }
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
        segments.Sort((a, b) => a.Segment.CompareTo(b.Segment));
        return segments;
    }

    /// <summary>The arrival time of a segment's first record, or null when it has none.</summary>
    public async Task<DateTimeOffset?> FirstArrivalAsync(uint segment, CancellationToken cancellationToken = default)
    {
        try
        {
            var chunk = await _store.ReadAsync(SegmentPath(segment), new BlobRange(0, 64 * 1024), cancellationToken: cancellationToken);
            var scan = FrameScanner.Scan(chunk.Content, 0, isEndOfData: chunk.Content.Length >= chunk.Properties.Length);
            if (scan.Records.Count > 0)
            {
                return scan.Records[0].Record.ArrivalTime;
            }

            var read = await ReadAsync(new SequenceNumber(segment, 0), 1, cancellationToken);
            return read.Records.Count > 0 && read.Records[0].SequenceNumber.Segment == segment ? read.Records[0].Record.ArrivalTime : null;
        }
        catch (BlobStorageException e) when (e.ErrorCode is BlobErrorCodes.InvalidRange or BlobErrorCodes.BlobNotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// Retention: deletes a segment that no longer receives appends. The newest segment is first rolled
    /// (sealed, next created) so appends continue in a fresh one.
    /// </summary>
    public async Task DeleteSegmentAsync(uint segment, CancellationToken cancellationToken = default)
    {
        var segments = await ListSegmentsAsync(cancellationToken);
        if (segments.Count > 0 && segments[^1].Segment == segment)
        {
            if (await BlobExistsAsync(ClosedMarker, cancellationToken))
            {
                return; // the terminal segment of a closed shard stays as the shard's end marker
            }

            Volatile.Write(ref _segment, Math.Max(CurrentSegment, segment));
            await RollAsync(segment, cancellationToken);
        }

        await _store.DeleteBlobIfExistsAsync(SegmentPath(segment), cancellationToken: cancellationToken);
    }

    /// <summary>Deletes every blob of the shard (stream deletion, or a closed shard past retention).</summary>
    public async Task DeleteAllAsync(CancellationToken cancellationToken = default)
    {
        foreach (var segment in await ListSegmentsAsync(cancellationToken))
        {
            await _store.DeleteBlobIfExistsAsync(SegmentPath(segment.Segment), cancellationToken: cancellationToken);
        }

        await _store.DeleteBlobIfExistsAsync(ClosedMarker, cancellationToken: cancellationToken);
    }

    private async Task<uint?> FindOldestSegmentAsync(CancellationToken cancellationToken)
    {
        var segments = await ListSegmentsAsync(cancellationToken);
        return segments.Count == 0 ? null : segments[0].Segment;
    }

    private async Task CatchUpAsync(uint missing, CancellationToken cancellationToken)
    {
        var latest = await FindLatestSegmentAsync(_store, _container, _prefix, cancellationToken);
        if (latest is null || latest <= missing)
        {
            throw new InvalidOperationException($"Shard log {_prefix} has no segment to append to.");
        }

        Volatile.Write(ref _segment, latest.Value);
    }

    private static bool TryParseSegment(string name, string prefix, out uint segment) =>
        uint.TryParse(name.AsSpan(prefix.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out segment);

    private BlobPath SegmentPath(uint segment) => new(_container, $"{_prefix}/{segment.ToString("D10", CultureInfo.InvariantCulture)}");

    private BlobPath ClosedMarker => new(_container, _prefix + "/closed");

    /// <summary>Moves appends from <paramref name="full"/> to the next segment: seal it first, then create the next.</summary>
    private async Task RollAsync(uint full, CancellationToken cancellationToken)
    {
        await _rollGate.WaitAsync(cancellationToken);
        try
        {
            if (CurrentSegment != full)
            {
                return; // another append of this instance rolled already
            }

            await _store.SealAppendBlobAsync(SegmentPath(full), cancellationToken: cancellationToken);
            if (!await SegmentExistsAsync(full + 1, cancellationToken))
            {
                if (await BlobExistsAsync(ClosedMarker, cancellationToken))
                {
                    throw new ShardClosedException(_prefix);
                }

                await CreateSegmentAsync(full + 1, cancellationToken);
            }

            Volatile.Write(ref _segment, full + 1);
        }
        finally
        {
            _rollGate.Release();
        }
    }

    private async Task CreateSegmentAsync(uint segment, CancellationToken cancellationToken)
    {
        try
        {
            await _store.CreateAppendBlobAsync(SegmentPath(segment), new PutBlobOptions { Conditions = BlobConditions.IfAbsent }, cancellationToken);
        }
        catch (BlobConflictException e) when (e.ErrorCode == BlobErrorCodes.BlobAlreadyExists)
        {
            // Another host rolled first; its segment is the one to use.
        }
    }

    private Task<bool> SegmentExistsAsync(uint segment, CancellationToken cancellationToken) =>
        BlobExistsAsync(SegmentPath(segment), cancellationToken);

    private async Task<bool> BlobExistsAsync(BlobPath path, CancellationToken cancellationToken)
    {
        try
        {
            await _store.GetPropertiesAsync(path, cancellationToken: cancellationToken);
            return true;
        }
        catch (BlobNotFoundException)
        {
            return false;
        }
    }

    private static async Task<uint?> FindLatestSegmentAsync(IBlobStore store, string container, string prefix, CancellationToken cancellationToken)
    {
        uint? latest = null;
        string? token = null;
        do
        {
            var page = await store.ListBlobsAsync(container, prefix + "/", token, cancellationToken: cancellationToken);
            foreach (var item in page.Items)
            {
                if (TryParseSegment(item.Name, prefix, out var segment) && (latest is null || segment > latest))
                {
                    latest = segment;
                }
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
        return latest;
    }
}
