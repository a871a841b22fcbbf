using Platform.Video.Media;
using Platform.Video.Streams;

namespace Platform.Video.Store;

/// <summary>
/// The write side of one publish session: stores the fragmenter's init segments and fragments, numbering them (fragment
/// number, ordinal, discontinuity count) and stamping server time. Calls come one at a time (the session's writer loop).
/// </summary>
public sealed class FragmentAppender
{
    private readonly FragmentStore _store;
    private readonly StreamState _state;
    private readonly Dictionary<int, string> _initKeys = [];
    private readonly IndexCursor _cursor;
    private readonly string? _publisherSession;
    private VideoStreamDocument _stream;
    private long _last;
    private bool _first = true;

    internal FragmentAppender(FragmentStore store, VideoStreamDocument stream, StreamState state, long session, IndexCursor cursor, string? publisherSession)
    {
        _store = store;
        _stream = stream;
        _state = state;
        Session = session;
        _last = session - 1;
        _cursor = cursor;
        _publisherSession = publisherSession;
    }

    /// <summary>Identifies the session in init segment keys (the lowest number it may give a fragment).</summary>
    public long Session { get; }

    public string StreamName => _stream.Name;

    /// <summary>Fragments stored so far.</summary>
    public long FragmentsWritten { get; private set; }

    /// <summary>Stores an init segment (once per key) and returns its key.</summary>
    /// <exception cref="InvalidOperationException">The stream was deleted meanwhile.</exception>
    public async Task<string> WriteInitAsync(InitSegment init, CancellationToken cancellationToken)
    {
        var key = FragmentNumbers.InitSegmentKey(Session, init.Id);
        _initKeys[init.Id] = key;
        _state.Live.AddInit(key, init.Data, init.Codecs);
        await RefreshStreamAsync(cancellationToken);
        if (_stream.RetentionHours > 0)
        {
            await _store.StoreInitAsync(_stream, key, init.Data, init.Codecs, cancellationToken);
        }

        return key;
    }

    /// <summary>Numbers and stores a fragment; returns it as the index knows it once it is durable (or, with retention 0,
    /// once it is in the live window).</summary>
    /// <exception cref="InvalidOperationException">The stream was deleted meanwhile, another publisher holds it now, or no
    /// init segment came first.</exception>
    public async Task<FragmentInfo> WriteFragmentAsync(MediaFragment fragment, CancellationToken cancellationToken)
    {
        if (!_initKeys.ContainsKey(fragment.InitSegmentId))
        {
            throw new InvalidOperationException($"Fragment refers to init segment {fragment.InitSegmentId}, which this session has not written.");
        }

        await RefreshStreamAsync(cancellationToken);
        var number = FragmentNumbers.Next(_last, _store.Now);
        _last = number;
        var entry = new FragmentIndexEntry(
            number,
            fragment.ProducerTime.UtcTicks,
            FragmentNumbers.ServerTime(number).UtcTicks,
            fragment.Duration.Ticks,
            fragment.Data.Length,
            Session,
            fragment.InitSegmentId,
            fragment.Discontinuity || _first);
        _first = false;
        if (_stream.RetentionHours > 0)
        {
            entry = await _store.StoreFragmentAsync(_stream, _state, entry, fragment.Data, _cursor, _publisherSession, cancellationToken);
        }
        else
        {
            entry = _cursor.Number(entry);
            _cursor.After(entry);
        }

        var info = entry.ToInfo();
        _state.Live.Add(info, fragment.Data);
        FragmentsWritten++;
        return info;
    }

    /// <summary>Ends the session's hold on the live window (readers go back to storage for the newest fragments).</summary>
    public void Close() => _state.Live.Publishing = false;

    private async Task RefreshStreamAsync(CancellationToken cancellationToken)
    {
        var current = await _store.CurrentAsync(_stream.Name, cancellationToken);
        if (current is not { Status: VideoStreamStatus.Active } || current.Incarnation != _stream.Incarnation)
        {
            throw new InvalidOperationException($"The video stream {_stream.Name} was deleted.");
        }

        _stream = current;
    }
}
