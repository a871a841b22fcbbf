using Platform.Video.Streams;

namespace Platform.Video.Store;

/// <summary>What one host holds in memory for one stream incarnation: its time index (loaded hour by hour) and live window.</summary>
internal sealed class StreamState(VideoStreamDocument stream, int liveWindow)
{
    /// <summary>Guards <see cref="Index"/> and the hour bookkeeping; storage I/O happens outside it.</summary>
    public Lock Gate { get; } = new();

    public string Incarnation { get; } = stream.Incarnation;

    public FragmentTimeIndex Index { get; } = new();

    /// <summary>Length of each hour's index blob at the last listing (hours not listed yet are absent).</summary>
    public Dictionary<long, long> ListedLengths { get; } = [];

    public DateTimeOffset ListedAt { get; set; } = DateTimeOffset.MinValue;

    /// <summary>Hours whose index blob this host has created or seen, so appends skip the create.</summary>
    public HashSet<long> KnownIndexBlobs { get; } = [];

    /// <summary>Hours whose hot blobs maintenance has verified gone after consolidation (so it does not list them again).</summary>
    public HashSet<long> CleanHours { get; } = [];

    public LiveWindow Live { get; } = new(liveWindow);

    /// <summary>Serialises refreshes of the index from storage (readers wait for one refresh rather than each doing one).</summary>
    public SemaphoreSlim RefreshGate { get; } = new(1, 1);
}
