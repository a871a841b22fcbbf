using Platform.Storage;

namespace Platform.Video.Store;

// IFragmentReader: playback and ListFragments.
public sealed partial class FragmentStore
{
    private const string CodecsMetadata = "codecs";

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<FragmentInfo>> ListAsync(string stream, FragmentTimestampType type, DateTimeOffset from, DateTimeOffset to, int max, CancellationToken cancellationToken)
    {
        var document = await GetStreamAsync(stream, cancellationToken);
        var state = StateOf(document);
        if (max < 1 || to < from)
        {
            return [];
        }

        if (document.RetentionHours == 0)
        {
            return [.. state.Live.Newest(_options.LiveWindowFragments)
                .Where(f => Timestamp(f, type) >= from && Timestamp(f, type) <= to)
                .OrderBy(f => Timestamp(f, type)).ThenBy(f => f.Number)
                .Take(max)];
        }

        var cutoff = RetentionCutoff(document);
        if (type == FragmentTimestampType.ServerTimestamp && from < cutoff)
        {
            from = cutoff;
        }

        await LoadRangeAsync(document, state, type, from, to, cancellationToken);
        lock (state.Gate)
        {
            return [.. state.Index.Query(type, from, to, max).Where(e => e.ServerTicks >= cutoff.UtcTicks).Select(static e => e.ToInfo())];
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<FragmentInfo>> LatestAsync(string stream, int count, CancellationToken cancellationToken)
    {
        var document = await GetStreamAsync(stream, cancellationToken);
        var state = StateOf(document);
        if (count < 1)
        {
            return [];
        }

        // The publishing host answers live playlists from memory.
        var live = state.Live.Newest(count);
        if (document.RetentionHours == 0 || (state.Live.Publishing && live.Count >= count))
        {
            return live;
        }

        await LoadNewestAsync(document, state, count, force: false, cancellationToken);
        var cutoff = RetentionCutoff(document).UtcTicks;
        lock (state.Gate)
        {
            return [.. state.Index.Newest(count).Where(e => e.ServerTicks >= cutoff).Select(static e => e.ToInfo())];
        }
    }

    /// <inheritdoc />
    public async ValueTask<ReadOnlyMemory<byte>?> ReadFragmentAsync(string stream, long number, CancellationToken cancellationToken)
    {
        var document = await FindStreamAsync(stream, cancellationToken);
        if (document is null || number <= 0)
        {
            return null;
        }

        var state = StateOf(document);
        if (state.Live.Find(number) is { } live)
        {
            return live;
        }

        if (document.RetentionHours == 0 || FragmentNumbers.ServerTime(number) < RetentionCutoff(document))
        {
            return null;
        }

        var hourStart = FragmentTimeIndex.HourOf(FragmentNumbers.ServerTime(number));
        for (var attempt = 0; attempt < 2; attempt++)
        {
            // A second attempt follows a hot blob that vanished: maintenance moved it to the warm tier meanwhile.
            await RefreshListingAsync(document, state, force: attempt > 0, cancellationToken);
            FragmentHourIndex? hour;
            lock (state.Gate)
            {
                hour = state.Index.Find(hourStart);
            }

            if (hour is null)
            {
                return null;
            }

            await LoadHoursAsync(document, state, [hour], cancellationToken);
            FragmentIndexEntry entry;
            WarmRange? range;
            long offset;
            lock (state.Gate)
            {
                var at = hour.FindNumber(number);
                if (at < 0)
                {
                    return null;
                }

                entry = hour.Entries[at];
                (range, offset) = hour.Locate(at);
            }

            try
            {
                if (range is { } warm)
                {
                    var part = await _store.ReadAsync(StoreLayout.Warm(document, hourStart, warm), new BlobRange(offset, entry.Size), cancellationToken: cancellationToken);
                    return part.Content;
                }

                return (await _store.ReadAsync(StoreLayout.Hot(document, number), cancellationToken: cancellationToken)).Content;
            }
            catch (BlobNotFoundException)
            {
                // Moved to the warm tier or expired since the index was read.
            }
        }

        return null;
    }

    /// <inheritdoc />
    public async ValueTask<(ReadOnlyMemory<byte> Data, string Codecs)?> ReadInitSegmentAsync(string stream, string initSegmentKey, CancellationToken cancellationToken)
    {
        if (!FragmentNumbers.IsInitSegmentKey(initSegmentKey))
        {
            return null;
        }

        var document = await FindStreamAsync(stream, cancellationToken);
        if (document is null)
        {
            return null;
        }

        if (StateOf(document).Live.FindInit(initSegmentKey) is { } live)
        {
            return live;
        }

        try
        {
            var download = await _store.ReadAsync(StoreLayout.Init(document, initSegmentKey), cancellationToken: cancellationToken);
            return (download.Content, download.Properties.Metadata.GetValueOrDefault(CodecsMetadata) ?? "");
        }
        catch (BlobNotFoundException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    /// <remarks>Throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires first.
    /// Woken at once by a fragment written on this host; otherwise it looks every <see cref="PollInterval"/>.</remarks>
    public async Task WaitForFragmentAsync(string stream, long afterNumber, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var document = await FindStreamAsync(stream, cancellationToken);
            if (document is not null)
            {
                var state = StateOf(document);
                var next = state.Live.NextAsync();
                if (state.Live.NewestNumber > afterNumber)
                {
                    return;
                }

                if (document.RetentionHours > 0 && !state.Live.Publishing)
                {
                    var newest = await LatestAsync(stream, 1, cancellationToken);
                    if (newest.Count > 0 && newest[^1].Number > afterNumber)
                    {
                        return;
                    }
                }

                await Task.WhenAny(next, Task.Delay(PollInterval, _time, cancellationToken));
            }
            else
            {
                await Task.Delay(PollInterval, _time, cancellationToken);
            }
        }
    }

    private static DateTimeOffset Timestamp(FragmentInfo fragment, FragmentTimestampType type) =>
        type == FragmentTimestampType.ProducerTimestamp ? fragment.ProducerTime : fragment.ServerTime;
}
