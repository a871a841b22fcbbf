using Platform.Storage;
using Platform.Video.Streams;

namespace Platform.Video.Store;

// The write side: a FragmentAppender per publish session.
public sealed partial class FragmentStore
{
    /// <summary>How many times one fragment's index append is renumbered after another writer's entries before giving up.</summary>
    private const int MaxIndexAppendConflicts = 5;

    /// <summary>How many of the newest entries are looked at for the highest ordinal (interleaved writers reorder a few).</summary>
    private const int TailEntries = 16;

    /// <summary>
    /// Opens the write side of a publish session on <paramref name="streamName"/>. Its fragment numbers start above
    /// every number already stored for the stream, and its ordinals and discontinuity count continue from the stream's
    /// newest stored entry (both read from the newest hour index), so they carry on across sessions, hosts and restarts.
    /// The caller must hold the stream's publisher claim.
    /// </summary>
    /// <param name="streamName">The stream.</param>
    /// <param name="publisherSession">The claim's session id: when another writer's index entry gets in the way, the
    /// session renumbers after it only while it still holds the claim, and otherwise fails. Null skips that check.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <exception cref="KeyNotFoundException">The stream does not exist or is being deleted.</exception>
    public async Task<FragmentAppender> OpenWriterAsync(string streamName, string? publisherSession, CancellationToken cancellationToken)
    {
        var document = await _catalog.GetDocumentAsync(streamName, fresh: true, cancellationToken);
        if (document is not { Status: VideoStreamStatus.Active })
        {
            throw new KeyNotFoundException($"The video stream {streamName} does not exist.");
        }

        var state = StateOf(document);
        var floor = state.Live.NewestNumber;
        var cursor = new IndexCursor();
        if (state.Live.Newest(1) is [var live])
        {
            cursor.AfterHighest(live);
        }

        if (document.RetentionHours > 0)
        {
            // The listing shows the newest hour however long the stream was idle; only that hour (and older ones, if it
            // holds no entry) is read.
            await LoadNewestAsync(document, state, 1, force: true, cancellationToken);
            lock (state.Gate)
            {
                var tail = state.Index.Newest(TailEntries);
                foreach (var entry in tail)
                {
                    floor = Math.Max(floor, entry.Number);
                }

                cursor.AfterHighest(tail);
                if (state.Index.Hours is [.., var newestHour])
                {
                    // Entries are in fragment-number order; after writers that overlapped, the highest ordinal need
                    // not be among the newest numbers, so the whole newest hour is looked at (once per session).
                    cursor.AfterHighest(newestHour.Entries);
                    cursor.HourTicks = newestHour.HourStart.UtcTicks;
                    cursor.Length = newestHour.LoadedBytes;
                }
            }
        }

        var session = FragmentNumbers.Next(floor, _time.GetUtcNow());
        state.Live.Publishing = true;
        return new FragmentAppender(this, document, state, session, cursor, publisherSession);
    }

    /// <summary>Opens the write side of a publish session without a claim check on index conflicts (see the other overload).</summary>
    /// <exception cref="KeyNotFoundException">The stream does not exist or is being deleted.</exception>
    public Task<FragmentAppender> OpenWriterAsync(string streamName, CancellationToken cancellationToken) => OpenWriterAsync(streamName, null, cancellationToken);

    internal async Task StoreInitAsync(VideoStreamDocument stream, string key, ReadOnlyMemory<byte> data, string codecs, CancellationToken cancellationToken)
    {
        var options = new PutBlobOptions
        {
            Conditions = BlobConditions.IfAbsent,
            ContentType = "video/mp4",
            Metadata = new Dictionary<string, string> { [CodecsMetadata] = codecs },
        };
        try
        {
            await _store.PutBlockBlobAsync(StoreLayout.Init(stream, key), data, options, cancellationToken);
        }
        catch (BlobStorageException e) when (e.ErrorCode is BlobErrorCodes.BlobAlreadyExists or BlobErrorCodes.ConditionNotMet)
        {
            // Stored once per key; a retried write finds it there.
        }
    }

    /// <summary>
    /// Stores a fragment's blob, then its index entry numbered from <paramref name="cursor"/>: once both are durable the
    /// fragment counts as stored. Returns the entry as stored. The append is conditional on the index length the
    /// session expects; when another writer appended meanwhile, the entry is renumbered after the newest stored one
    /// (while <paramref name="publisherSession"/>, if given, still holds the stream) and appended again.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another publisher holds the stream now.</exception>
    internal async Task<FragmentIndexEntry> StoreFragmentAsync(
        VideoStreamDocument stream, StreamState state, FragmentIndexEntry entry, ReadOnlyMemory<byte> data, IndexCursor cursor, string? publisherSession, CancellationToken cancellationToken)
    {
        await _store.PutBlockBlobAsync(StoreLayout.Hot(stream, entry.Number), data, new PutBlobOptions { ContentType = "video/mp4", AccessTier = AccessTier.Hot }, cancellationToken);

        var hourStart = FragmentTimeIndex.HourOf(new DateTimeOffset(entry.ServerTicks, TimeSpan.Zero));
        var path = StoreLayout.Index(stream, hourStart);
        var record = new byte[FragmentIndexCodec.RecordSize];

        bool known;
        long expected;
        var overtaken = false;
        lock (state.Gate)
        {
            known = state.KnownIndexBlobs.Contains(hourStart.UtcTicks);
            if (cursor.HourTicks == hourStart.UtcTicks)
            {
                expected = cursor.Length;
            }
            else
            {
                // An hour this session has not appended to yet: as long as this host has read it (0 for a new hour).
                // Entries read there that are ahead of this session are another writer's, as after a failed append.
                var hour = state.Index.Find(hourStart);
                expected = hour?.LoadedBytes ?? 0;
                overtaken = hour is not null && hour.Entries.Any(e => e.IsSequenced && e.Ordinal >= cursor.NextOrdinal);
                if (overtaken)
                {
                    cursor.AfterHighest(hour!.Entries);
                }
            }
        }

        if (overtaken && publisherSession is not null && !await HoldsClaimAsync(stream.Name, publisherSession, cancellationToken))
        {
            throw new InvalidOperationException($"Another publisher writes to video stream {stream.Name}; this session no longer holds it.");
        }

        if (!known)
        {
            await CreateIndexBlobAsync(path, cancellationToken);
        }

        AppendResult? appended = null;
        for (var conflicts = 0; ; conflicts++)
        {
            entry = cursor.Number(entry);
            FragmentIndexCodec.Write(record, entry);
            try
            {
                appended = await AppendIndexAsync(path, record, expected, cancellationToken);
                break;
            }
            catch (BlobPreconditionFailedException e) when (e.ErrorCode == BlobErrorCodes.AppendPositionConditionNotMet && conflicts < MaxIndexAppendConflicts)
            {
                var (landed, length) = await ReloadAfterConflictAsync(stream, state, hourStart, entry, cursor, cancellationToken);
                if (landed is { } stored)
                {
                    // Our own earlier attempt, whose response was lost.
                    entry = stored;
                    expected = length;
                    break;
                }

                if (publisherSession is not null && !await HoldsClaimAsync(stream.Name, publisherSession, cancellationToken))
                {
                    throw new InvalidOperationException($"Another publisher writes to video stream {stream.Name}; this session no longer holds it.", e);
                }

                VideoLog.IndexAppendRaced(_logger, stream.Name, hourStart, cursor.NextOrdinal);
                expected = length;
            }
        }

        var end = appended is null ? expected : appended.Offset + FragmentIndexCodec.RecordSize;
        lock (state.Gate)
        {
            state.KnownIndexBlobs.Add(hourStart.UtcTicks);
            var hour = state.Index.GetOrAdd(hourStart);
            state.ListedLengths[hourStart.UtcTicks] = Math.Max(end, state.ListedLengths.GetValueOrDefault(hourStart.UtcTicks));

            // When this host has read the blob up to here, the new entry extends its index directly; otherwise the
            // next load reads the gap (someone else appended) including this entry.
            if (appended is not null && hour.LoadedBytes == appended.Offset)
            {
                _ = hour.Add(entry);
                hour.LoadedBytes = end;
            }
        }

        cursor.After(entry);
        cursor.HourTicks = hourStart.UtcTicks;
        cursor.Length = end;
        return entry;
    }

    private async Task<AppendResult> AppendIndexAsync(BlobPath path, byte[] record, long expected, CancellationToken cancellationToken)
    {
        var conditions = new AppendConditions { AppendPosition = expected };
        try
        {
            return await _store.AppendBlockAsync(path, record, conditions, cancellationToken);
        }
        catch (BlobNotFoundException)
        {
            await CreateIndexBlobAsync(path, cancellationToken);
            return await _store.AppendBlockAsync(path, record, conditions, cancellationToken);
        }
    }

    /// <summary>
    /// After an index append found more than expected: reads the new tail and moves <paramref name="cursor"/> past the
    /// highest stored ordinal. Returns the stored entry when it is <paramref name="entry"/> itself (an earlier attempt
    /// landed), and the hour's index length now.
    /// </summary>
    private async Task<(FragmentIndexEntry? Landed, long Length)> ReloadAfterConflictAsync(
        VideoStreamDocument stream, StreamState state, DateTimeOffset hourStart, FragmentIndexEntry entry, IndexCursor cursor, CancellationToken cancellationToken)
    {
        await LoadNewestAsync(stream, state, 1, force: true, cancellationToken);
        FragmentHourIndex hour;
        lock (state.Gate)
        {
            hour = state.Index.GetOrAdd(hourStart);
        }

        await LoadHoursAsync(stream, state, [hour], cancellationToken);
        lock (state.Gate)
        {
            var at = hour.FindNumber(entry.Number);
            if (at >= 0)
            {
                return (hour.Entries[at], hour.LoadedBytes);
            }

            // The other writer's entries may sit anywhere in number order: the whole hour is looked at (only on a conflict).
            cursor.AfterHighest(state.Index.Newest(TailEntries));
            cursor.AfterHighest(hour.Entries);
            return (null, hour.LoadedBytes);
        }
    }

    private async Task<bool> HoldsClaimAsync(string name, string publisherSession, CancellationToken cancellationToken)
    {
        var current = await _catalog.GetDocumentAsync(name, fresh: true, cancellationToken);
        return current is { Status: VideoStreamStatus.Active } && current.Publisher?.SessionId == publisherSession;
    }

    private async Task CreateIndexBlobAsync(BlobPath path, CancellationToken cancellationToken)
    {
        try
        {
            await _store.CreateAppendBlobAsync(path, new PutBlobOptions { Conditions = BlobConditions.IfAbsent, ContentType = "application/octet-stream" }, cancellationToken);
        }
        catch (BlobStorageException e) when (e.ErrorCode is BlobErrorCodes.BlobAlreadyExists or BlobErrorCodes.ConditionNotMet)
        {
            // Made by an earlier session or host; append to it.
        }
    }

    /// <summary>The stream's current document, to notice retention changes and deletion while a session writes.</summary>
    internal Task<VideoStreamDocument?> CurrentAsync(string name, CancellationToken cancellationToken) => _catalog.GetDocumentAsync(name, fresh: false, cancellationToken);
}
