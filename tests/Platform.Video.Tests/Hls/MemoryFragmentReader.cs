using Platform.Video.Store;

namespace Platform.Video.Tests.Hls;

/// <summary>
/// An <see cref="IFragmentReader"/> over fragments held in memory, for HLS and API tests that are not about storage.
/// A fragment is visible once the clock has passed its end (as if received live); reads are counted so tests can
/// tell cache hits from store reads.
/// </summary>
internal sealed class MemoryFragmentReader(TimeProvider time) : IFragmentReader
{
    private readonly Dictionary<string, List<(FragmentInfo Info, byte[] Data)>> _streams = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), (byte[] Data, string Codecs)> _inits = [];
    private int _fragmentReads;
    private int _playlistReads;

    public int FragmentReads => Volatile.Read(ref _fragmentReads);

    public int PlaylistReads => Volatile.Read(ref _playlistReads);

    /// <summary>Delay added to list and latest reads, so concurrent playlist requests overlap.</summary>
    public TimeSpan ListDelay { get; set; }

    public void AddStream(string stream) => _streams.TryAdd(stream, []);

    public void AddInit(string stream, string key, byte[] data, string codecs) => _inits[(stream, key)] = (data, codecs);

    public void Add(string stream, FragmentInfo info, byte[] data)
    {
        AddStream(stream);
        _streams[stream].Add((info, data));
    }

    public async ValueTask<IReadOnlyList<FragmentInfo>> ListAsync(string stream, FragmentTimestampType type, DateTimeOffset from, DateTimeOffset to, int max, CancellationToken cancellationToken)
    {
        var visible = await VisibleAsync(stream, cancellationToken);
        return [.. visible.Where(f => Stamp(f, type) >= from && Stamp(f, type) <= to).Take(max)];
    }

    public async ValueTask<IReadOnlyList<FragmentInfo>> LatestAsync(string stream, int count, CancellationToken cancellationToken)
    {
        var visible = await VisibleAsync(stream, cancellationToken);
        return [.. visible.Skip(Math.Max(0, visible.Count - count))];
    }

    public ValueTask<ReadOnlyMemory<byte>?> ReadFragmentAsync(string stream, long number, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _fragmentReads);
        if (_streams.TryGetValue(stream, out var fragments))
        {
            foreach (var (info, data) in fragments)
            {
                if (info.Number == number)
                {
                    return ValueTask.FromResult<ReadOnlyMemory<byte>?>(data);
                }
            }
        }

        return ValueTask.FromResult<ReadOnlyMemory<byte>?>(null);
    }

    public ValueTask<(ReadOnlyMemory<byte> Data, string Codecs)?> ReadInitSegmentAsync(string stream, string initSegmentKey, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _fragmentReads);
        return ValueTask.FromResult<(ReadOnlyMemory<byte>, string)?>(_inits.TryGetValue((stream, initSegmentKey), out var init) ? (init.Data, init.Codecs) : null);
    }

    public Task WaitForFragmentAsync(string stream, long afterNumber, CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);

    private async Task<List<FragmentInfo>> VisibleAsync(string stream, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _playlistReads);
        if (ListDelay > TimeSpan.Zero)
        {
            await Task.Delay(ListDelay, cancellationToken);
        }

        if (!_streams.TryGetValue(stream, out var fragments))
        {
            throw new KeyNotFoundException(stream);
        }

        var now = time.GetUtcNow();
        return [.. fragments.Select(f => f.Info).Where(f => f.ServerTime + f.Duration <= now)];
    }

    private static DateTimeOffset Stamp(FragmentInfo f, FragmentTimestampType type) =>
        type == FragmentTimestampType.ProducerTimestamp ? f.ProducerTime : f.ServerTime;
}
