using Platform.Storage;
using Platform.Video.Streams;

namespace Platform.Video.Store;

// The write side: a FragmentAppender per publish session.
public sealed partial class FragmentStore
{
    /// <summary>
    /// Opens the write side of a publish session on <paramref name="streamName"/>. Its fragment numbers start above
    /// every number already stored for the stream (read from the newest hour index), so numbers stay monotonic across
    /// sessions and hosts. The caller must hold the stream's publisher claim.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The stream does not exist or is being deleted.</exception>
    public async Task<FragmentAppender> OpenWriterAsync(string streamName, CancellationToken cancellationToken)
    {
        var document = await _catalog.GetDocumentAsync(streamName, fresh: true, cancellationToken);
        if (document is not { Status: VideoStreamStatus.Active })
        {
            throw new KeyNotFoundException($"The video stream {streamName} does not exist.");
        }

        var state = StateOf(document);
        var floor = state.Live.NewestNumber;
        if (document.RetentionHours > 0)
        {
            await LoadNewestAsync(document, state, 1, force: true, cancellationToken);
            lock (state.Gate)
            {
                foreach (var entry in state.Index.Newest(1))
                {
                    floor = Math.Max(floor, entry.Number);
                }
            }
        }

        var session = FragmentNumbers.Next(floor, _time.GetUtcNow());
        state.Live.Publishing = true;
        return new FragmentAppender(this, document, state, session);
    }

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

    /// <summary>Stores a fragment's blob, then its index entry: once both are durable the fragment counts as stored.</summary>
    internal async Task StoreFragmentAsync(VideoStreamDocument stream, StreamState state, FragmentIndexEntry entry, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await _store.PutBlockBlobAsync(StoreLayout.Hot(stream, entry.Number), data, new PutBlobOptions { ContentType = "video/mp4", AccessTier = AccessTier.Hot }, cancellationToken);

        var hourStart = FragmentTimeIndex.HourOf(new DateTimeOffset(entry.ServerTicks, TimeSpan.Zero));
        var path = StoreLayout.Index(stream, hourStart);
        var record = new byte[FragmentIndexCodec.RecordSize];
        FragmentIndexCodec.Write(record, entry);

        bool known;
        lock (state.Gate)
        {
            known = state.KnownIndexBlobs.Contains(hourStart.UtcTicks);
        }

        if (!known)
        {
            await CreateIndexBlobAsync(path, cancellationToken);
        }

        AppendResult appended;
        try
        {
            appended = await _store.AppendBlockAsync(path, record, cancellationToken: cancellationToken);
        }
        catch (BlobNotFoundException)
        {
            await CreateIndexBlobAsync(path, cancellationToken);
            appended = await _store.AppendBlockAsync(path, record, cancellationToken: cancellationToken);
        }

        lock (state.Gate)
        {
            state.KnownIndexBlobs.Add(hourStart.UtcTicks);
            var hour = state.Index.GetOrAdd(hourStart);
            var end = appended.Offset + FragmentIndexCodec.RecordSize;
            state.ListedLengths[hourStart.UtcTicks] = Math.Max(end, state.ListedLengths.GetValueOrDefault(hourStart.UtcTicks));

            // When this host has read the blob up to here, the new entry extends its index directly; otherwise the
            // next load reads the gap (someone else appended) including this entry.
            if (hour.LoadedBytes == appended.Offset)
            {
                _ = hour.Add(entry);
                hour.LoadedBytes = end;
            }
        }
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
