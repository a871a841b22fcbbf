using System.Buffers;
using System.Globalization;
using Platform.Storage;
using Platform.Video.Streams;

namespace Platform.Video.Store;

// Maintenance: finishing deletes, retention, and moving hot fragments to the warm tier. Every step is ordered so that
// a crash at any point leaves readable data and the next pass finishes the work.
public sealed partial class FragmentStore
{
    /// <summary>
    /// One maintenance pass over every stream: deletes the data of streams being deleted, hours past retention, and
    /// consolidates hours older than their stream's <c>WarmAfter</c> into warm blobs. Failures of one stream are logged
    /// and do not stop the others.
    /// </summary>
    public async Task RunMaintenanceAsync(CancellationToken cancellationToken)
    {
        foreach (var stream in await _catalog.ListDocumentsAsync(cancellationToken))
        {
            try
            {
                if (stream.Status == VideoStreamStatus.Deleting)
                {
                    await FinishDeleteAsync(stream, cancellationToken);
                    continue;
                }

                var state = StateOf(stream);
                await RefreshListingAsync(stream, state, force: true, cancellationToken);
                await ApplyRetentionAsync(stream, state, cancellationToken);
                await ConsolidateAsync(stream, state, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                VideoLog.MaintenanceFailed(_logger, stream.Name, e);
            }
        }
    }

    private async Task FinishDeleteAsync(VideoStreamDocument stream, CancellationToken cancellationToken)
    {
        var deleted = await DeletePrefixAsync(StoreLayout.Prefix(stream), _ => true, cancellationToken);
        await _catalog.RemoveDocumentAsync(stream.Name, stream.Incarnation, cancellationToken);
        if (_streams.TryGetValue(stream.Name, out var state) && state.Incarnation == stream.Incarnation)
        {
            _streams.TryRemove(new KeyValuePair<string, StreamState>(stream.Name, state));
        }

        VideoLog.StreamDeleted(_logger, stream.Name, deleted);
    }

    private async Task ApplyRetentionAsync(VideoStreamDocument stream, StreamState state, CancellationToken cancellationToken)
    {
        var cutoff = RetentionCutoff(stream);
        List<DateTimeOffset> expired;
        lock (state.Gate)
        {
            // Whole hours go; reads hide fragments past retention inside a kept hour. Retention 0 keeps nothing.
            expired = [.. state.Index.Hours.Select(h => h.HourStart).Where(h => stream.RetentionHours == 0 || h.AddHours(1) <= cutoff)];
        }

        foreach (var hour in expired)
        {
            // Fragments first, the index last: a crash in between leaves an index whose next pass finishes the hour.
            var deleted = await DeletePrefixAsync(StoreLayout.HotPrefix(stream, hour), _ => true, cancellationToken);
            deleted += await DeletePrefixAsync(StoreLayout.WarmPrefix(stream, hour), _ => true, cancellationToken);
            await _store.DeleteBlobIfExistsAsync(StoreLayout.Index(stream, hour), cancellationToken: cancellationToken);
            lock (state.Gate)
            {
                ForgetHour(state, hour);
            }

            VideoLog.HourExpired(_logger, stream.Name, hour, deleted);
        }

        if (expired.Count > 0)
        {
            await DeleteUnusedInitsAsync(stream, state, cutoff, cancellationToken);
        }
    }

    /// <summary>Init segments older than retention that no remaining fragment refers to.</summary>
    private async Task DeleteUnusedInitsAsync(VideoStreamDocument stream, StreamState state, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        List<FragmentHourIndex> hours;
        lock (state.Gate)
        {
            hours = [.. state.Index.Hours];
        }

        await LoadHoursAsync(stream, state, hours, cancellationToken);
        HashSet<string> used;
        lock (state.Gate)
        {
            used = [.. state.Index.Hours.SelectMany(h => h.Entries).Select(e => e.InitSegmentKey).Distinct()];
        }

        var prefix = StoreLayout.InitPrefix(stream);
        await DeletePrefixAsync(prefix, item => item.LastModified < cutoff && !used.Contains(item.Name[prefix.Length..]) && state.Live.FindInit(item.Name[prefix.Length..]) is null, cancellationToken);
    }

    private async Task ConsolidateAsync(VideoStreamDocument stream, StreamState state, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        List<FragmentHourIndex> due;
        lock (state.Gate)
        {
            // Only closed hours whose newest possible fragment is older than WarmAfter: nothing is written to them any more.
            due = [.. state.Index.Hours.Where(h => h.HourStart.AddHours(1) + stream.WarmAfter <= now)];
        }

        await LoadHoursAsync(stream, state, due, cancellationToken);
        foreach (var hour in due)
        {
            await ConsolidateHourAsync(stream, state, hour, cancellationToken);
        }
    }

    private async Task ConsolidateHourAsync(VideoStreamDocument stream, StreamState state, FragmentHourIndex hour, CancellationToken cancellationToken)
    {
        while (true)
        {
            int first;
            int count;
            long indexLength;
            List<FragmentIndexEntry> entries;
            lock (state.Gate)
            {
                first = hour.HotFrom;
                count = hour.Count;
                indexLength = hour.LoadedBytes;
                entries = first < count ? [.. hour.Entries.Skip(first).Take(count - first)] : [];
            }

            if (entries.Count == 0)
            {
                await DeleteConsolidatedHotAsync(stream, state, hour, cancellationToken);
                return;
            }

            // One part: as many entries as fit in WarmPartMaxBytes (at least one).
            var take = 0;
            long bytes = 0;
            while (take < entries.Count && (take == 0 || bytes + entries[take].Size <= WarmPartMaxBytes))
            {
                bytes += entries[take].Size;
                take++;
            }

            var range = new WarmRange(first, take);
            if (!await WriteWarmPartAsync(stream, hour.HourStart, range, entries.GetRange(0, take), bytes, cancellationToken))
            {
                return;
            }

            // The warm blob is durable; the marker makes readers use it. Appending at the length we read means a
            // second maintenance host (or a late entry) makes this fail rather than record a stale range.
            var marker = new byte[FragmentIndexCodec.RecordSize];
            FragmentIndexCodec.Write(marker, range);
            AppendResult appended;
            try
            {
                appended = await _store.AppendBlockAsync(StoreLayout.Index(stream, hour.HourStart), marker, new AppendConditions { AppendPosition = indexLength }, cancellationToken);
            }
            catch (BlobPreconditionFailedException)
            {
                VideoLog.ConsolidationRaced(_logger, stream.Name, hour.HourStart);
                return;
            }

            lock (state.Gate)
            {
                state.ListedLengths[hour.HourStart.UtcTicks] = Math.Max(appended.Offset + FragmentIndexCodec.RecordSize, state.ListedLengths.GetValueOrDefault(hour.HourStart.UtcTicks));
                if (hour.LoadedBytes == appended.Offset)
                {
                    hour.AddWarm(range);
                    hour.LoadedBytes = appended.Offset + FragmentIndexCodec.RecordSize;
                }
            }

            // Only now are the hot originals redundant.
            foreach (var entry in entries.Take(take))
            {
                await _store.DeleteBlobIfExistsAsync(StoreLayout.Hot(stream, entry.Number), cancellationToken: cancellationToken);
            }

            VideoLog.Consolidated(_logger, stream.Name, hour.HourStart, take, bytes);
        }
    }

    private async Task<bool> WriteWarmPartAsync(VideoStreamDocument stream, DateTimeOffset hour, WarmRange range, List<FragmentIndexEntry> entries, long bytes, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)bytes);
        try
        {
            var offset = 0;
            foreach (var entry in entries)
            {
                ReadOnlyMemory<byte> data;
                try
                {
                    data = (await _store.ReadAsync(StoreLayout.Hot(stream, entry.Number), cancellationToken: cancellationToken)).Content;
                }
                catch (BlobNotFoundException)
                {
                    VideoLog.HotFragmentMissing(_logger, stream.Name, entry.Number);
                    return false;
                }

                if (data.Length != entry.Size)
                {
                    VideoLog.HotFragmentMissing(_logger, stream.Name, entry.Number);
                    return false;
                }

                data.Span.CopyTo(buffer.AsSpan(offset));
                offset += data.Length;
            }

            // Overwriting is safe: a part's name states its entries, so any earlier attempt held the same bytes.
            await _store.PutBlockBlobAsync(StoreLayout.Warm(stream, hour, range), buffer.AsMemory(0, offset), new PutBlobOptions { ContentType = "video/mp4", AccessTier = AccessTier.Cool }, cancellationToken);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Deletes hot blobs a crash left behind: after their warm marker was written, or before their index entry was (once per hour and host).</summary>
    private async Task DeleteConsolidatedHotAsync(VideoStreamDocument stream, StreamState state, FragmentHourIndex hour, CancellationToken cancellationToken)
    {
        lock (state.Gate)
        {
            if (state.CleanHours.Contains(hour.HourStart.UtcTicks))
            {
                return;
            }
        }

        var prefix = StoreLayout.HotPrefix(stream, hour.HourStart);
        await DeletePrefixAsync(prefix, item =>
        {
            if (!long.TryParse(item.Name.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            lock (state.Gate)
            {
                // Every entry of the hour is warm by now, and the hour is closed: a hot blob the index does not
                // know is an orphan of a write that crashed before its index entry.
                var at = hour.FindNumber(number);
                return at < hour.HotFrom;
            }
        }, cancellationToken);
        lock (state.Gate)
        {
            state.CleanHours.Add(hour.HourStart.UtcTicks);
        }
    }

    /// <summary>Deletes the blobs under <paramref name="prefix"/> that <paramref name="predicate"/> selects; returns how many.</summary>
    private async Task<int> DeletePrefixAsync(string prefix, Func<BlobProperties, bool> predicate, CancellationToken cancellationToken)
    {
        var doomed = new List<string>();
        string? token = null;
        do
        {
            var page = await _store.ListBlobsAsync(VideoStreamCatalog.Container, prefix, token, BlobLimits.MaxPageSize, cancellationToken);
            doomed.AddRange(page.Items.Where(predicate).Select(static i => i.Name));
            token = page.ContinuationToken;
        }
        while (token is not null);

        await Parallel.ForEachAsync(doomed, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (name, ct) =>
            await _store.DeleteBlobIfExistsAsync(new BlobPath(VideoStreamCatalog.Container, name), cancellationToken: ct));
        return doomed.Count;
    }
}
