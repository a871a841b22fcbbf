using Platform.Storage;
using Platform.Video.Streams;

namespace Platform.Video.Store;

// Keeping each host's in-memory time index in step with the hour index blobs: a listing (lengths of every hour's
// blob, at most ListingTtl old) tells which hours grew, and only their new tails are read.
public sealed partial class FragmentStore
{
    private async Task RefreshListingAsync(VideoStreamDocument stream, StreamState state, bool force, CancellationToken cancellationToken)
    {
        if (!force && _time.GetUtcNow() - state.ListedAt < ListingTtl)
        {
            return;
        }

        await state.RefreshGate.WaitAsync(cancellationToken);
        try
        {
            var started = _time.GetUtcNow();
            if (!force && started - state.ListedAt < ListingTtl)
            {
                return;
            }

            var prefix = StoreLayout.IndexPrefix(stream);
            var listed = new Dictionary<long, long>();
            string? token = null;
            do
            {
                var page = await _store.ListBlobsAsync(VideoStreamCatalog.Container, prefix, token, BlobLimits.MaxPageSize, cancellationToken);
                foreach (var item in page.Items)
                {
                    if (StoreLayout.TryParseHour(item.Name[prefix.Length..], out var hour))
                    {
                        listed[hour.UtcTicks] = item.Length;
                    }
                }

                token = page.ContinuationToken;
            }
            while (token is not null);

            lock (state.Gate)
            {
                // Hours gone from storage were deleted by retention (maybe on another host). The hour being written
                // may be missing from a listing that began before its blob was made, so only closed hours are dropped.
                foreach (var hour in state.Index.Hours.ToList())
                {
                    if (!listed.ContainsKey(hour.HourStart.UtcTicks) && hour.HourStart.AddHours(1) < started)
                    {
                        ForgetHour(state, hour.HourStart);
                    }
                }

                foreach (var (ticks, length) in listed)
                {
                    state.Index.GetOrAdd(new DateTimeOffset(ticks, TimeSpan.Zero));
                    state.ListedLengths[ticks] = Math.Max(length, state.ListedLengths.GetValueOrDefault(ticks));
                    state.KnownIndexBlobs.Add(ticks);
                }

                state.ListedAt = started;
            }
        }
        finally
        {
            state.RefreshGate.Release();
        }
    }

    private static void ForgetHour(StreamState state, DateTimeOffset hour)
    {
        state.Index.Remove(hour);
        state.ListedLengths.Remove(hour.UtcTicks);
        state.KnownIndexBlobs.Remove(hour.UtcTicks);
        state.CleanHours.Remove(hour.UtcTicks);
    }

    /// <summary>Reads the unread tails of <paramref name="hours"/>' index blobs (as far as the last listing saw them).</summary>
    private async Task LoadHoursAsync(VideoStreamDocument stream, StreamState state, IReadOnlyList<FragmentHourIndex> hours, CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(hours, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (hour, ct) =>
        {
            long from;
            long to;
            lock (state.Gate)
            {
                from = hour.LoadedBytes;
                to = state.ListedLengths.GetValueOrDefault(hour.HourStart.UtcTicks);
            }

            var length = (to - from) / FragmentIndexCodec.RecordSize * FragmentIndexCodec.RecordSize;
            if (length <= 0)
            {
                return;
            }

            BlobDownload download;
            try
            {
                download = await _store.ReadAsync(StoreLayout.Index(stream, hour.HourStart), new BlobRange(from, length), cancellationToken: ct);
            }
            catch (BlobStorageException e) when (e is BlobNotFoundException || e.ErrorCode == BlobErrorCodes.InvalidRange)
            {
                // Deleted by retention meanwhile; the next listing forgets the hour.
                return;
            }

            lock (state.Gate)
            {
                if (hour.LoadedBytes == from)
                {
                    var whole = download.Content.Length / FragmentIndexCodec.RecordSize * FragmentIndexCodec.RecordSize;
                    var damaged = FragmentIndexCodec.ReadInto(download.Content.Span[..whole], hour);
                    hour.LoadedBytes = from + whole;
                    hour.Damaged += damaged;
                    if (damaged > 0)
                    {
                        VideoLog.DamagedIndexRecords(_logger, stream.Name, hour.HourStart, damaged);
                    }
                }
            }
        });
    }

    /// <summary>Loads the hours a query of [from, to] needs.</summary>
    private async Task LoadRangeAsync(VideoStreamDocument stream, StreamState state, FragmentTimestampType type, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await RefreshListingAsync(stream, state, force: false, cancellationToken);
        List<FragmentHourIndex> hours;
        lock (state.Gate)
        {
            var (first, end) = state.Index.CandidateHours(type, from, to);
            hours = [.. state.Index.Hours.Skip(first).Take(end - first)];
        }

        await LoadHoursAsync(stream, state, hours, cancellationToken);
    }

    /// <summary>Loads hours from the newest backwards until they hold <paramref name="count"/> fragments (or none are left).</summary>
    private async Task LoadNewestAsync(VideoStreamDocument stream, StreamState state, int count, bool force, CancellationToken cancellationToken)
    {
        await RefreshListingAsync(stream, state, force, cancellationToken);
        for (var skip = 0; ; skip++)
        {
            FragmentHourIndex hour;
            lock (state.Gate)
            {
                var hours = state.Index.Hours;
                if (skip >= hours.Count)
                {
                    return;
                }

                hour = hours[hours.Count - 1 - skip];
            }

            await LoadHoursAsync(stream, state, [hour], cancellationToken);
            lock (state.Gate)
            {
                count -= hour.Count;
            }

            if (count <= 0)
            {
                return;
            }
        }
    }
}
