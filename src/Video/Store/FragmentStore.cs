using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Platform.Storage;
using Platform.Video.Hosting;
using Platform.Video.Streams;

namespace Platform.Video.Store;

/// <summary>
/// The fragment store: init segments and CMAF fragments of every video stream in blob storage, with a time index per
/// stream-hour, a hot tier (one block blob per fragment, plus the newest fragments in memory), a warm tier (fragments
/// consolidated into Cool blobs read with ranged reads) and retention. See docs/video-store.md.
/// </summary>
/// <remarks>
/// A fragment counts as stored once its blob and its index entry are durable; a host that restarts loses nothing stored.
/// Hosts sharing a storage account see each other's fragments within <see cref="ListingTtl"/> (the publishing host at once).
/// Storage failures surface as <see cref="BlobStorageException"/>.
/// </remarks>
public sealed partial class FragmentStore : IFragmentReader
{
    /// <summary>How long a host trusts its listing of a stream's hour indexes before listing again.</summary>
    public static readonly TimeSpan ListingTtl = TimeSpan.FromSeconds(1);

    /// <summary>How often a reader on a host without the publisher looks for a new fragment.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    private readonly IBlobStore _store;
    private readonly VideoStreamCatalog _catalog;
    private readonly VideoOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, StreamState> _streams = new(StringComparer.Ordinal);

    public FragmentStore(IBlobStore store, VideoStreamCatalog catalog, TimeProvider time, ILogger<FragmentStore> logger)
    {
        _store = store;
        _catalog = catalog;
        _options = catalog.Options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Largest warm blob: an hour of a high-bitrate stream is split into parts of at most this size, so
    /// consolidation holds one part in memory, never a whole hour.</summary>
    public long WarmPartMaxBytes { get; init; } = 64L * 1024 * 1024;

    private StreamState StateOf(VideoStreamDocument stream)
    {
        while (true)
        {
            var state = _streams.GetOrAdd(stream.Name, static (_, s) => new StreamState(s.Stream, s.Window), (Stream: stream, Window: _options.LiveWindowFragments));
            if (state.Incarnation == stream.Incarnation)
            {
                return state;
            }

            // The stream was deleted and created again: the old incarnation's memory is stale.
            _streams.TryUpdate(stream.Name, new StreamState(stream, _options.LiveWindowFragments), state);
        }
    }

    /// <summary>The stream's document, or null when it does not exist or is being deleted.</summary>
    private async Task<VideoStreamDocument?> FindStreamAsync(string name, CancellationToken cancellationToken)
    {
        if (!VideoStreamNames.IsValid(name))
        {
            return null;
        }

        var stream = await _catalog.GetDocumentAsync(name, fresh: false, cancellationToken);
        return stream is { Status: VideoStreamStatus.Active } ? stream : null;
    }

    private async Task<VideoStreamDocument> GetStreamAsync(string name, CancellationToken cancellationToken) =>
        await FindStreamAsync(name, cancellationToken) ?? throw new KeyNotFoundException($"The video stream {name} does not exist.");

    internal DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>How often maintenance runs (<c>Platform:Video:MaintenanceInterval</c>).</summary>
    public TimeSpan MaintenanceInterval => _options.MaintenanceInterval;

    /// <summary>The oldest server time still within the stream's retention.</summary>
    private DateTimeOffset RetentionCutoff(VideoStreamDocument stream) => _time.GetUtcNow() - TimeSpan.FromHours(stream.RetentionHours);
}
