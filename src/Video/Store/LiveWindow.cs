namespace Platform.Video.Store;

/// <summary>
/// The newest fragments of a stream published through this host, in memory: live playlists and their fragment requests
/// are served without storage reads, and with retention 0 this is all there is. Also wakes readers waiting for the next fragment.
/// </summary>
internal sealed class LiveWindow(int capacity)
{
    private readonly Lock _gate = new();
    private readonly Queue<(FragmentInfo Info, ReadOnlyMemory<byte> Data)> _fragments = new();
    private readonly Dictionary<string, (ReadOnlyMemory<byte> Data, string Codecs)> _inits = new(StringComparer.Ordinal);
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The newest number published here, or -1.</summary>
    public long NewestNumber { get; private set; } = -1;

    /// <summary>True while a publish session on this host writes to the stream.</summary>
    public bool Publishing { get; set; }

    public void AddInit(string key, ReadOnlyMemory<byte> data, string codecs)
    {
        lock (_gate)
        {
            // Only the inits the window's fragments might need; a long session has one or a few.
            if (_inits.Count >= 16)
            {
                _inits.Clear();
            }

            _inits[key] = (data, codecs);
        }
    }

    public void Add(FragmentInfo info, ReadOnlyMemory<byte> data)
    {
        TaskCompletionSource woken;
        lock (_gate)
        {
            _fragments.Enqueue((info, data));
            while (_fragments.Count > capacity)
            {
                _fragments.Dequeue();
            }

            NewestNumber = Math.Max(NewestNumber, info.Number);
            woken = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        woken.TrySetResult();
    }

    /// <summary>Completes on the next <see cref="Add"/>.</summary>
    public Task NextAsync()
    {
        lock (_gate)
        {
            return _next.Task;
        }
    }

    public List<FragmentInfo> Newest(int count)
    {
        lock (_gate)
        {
            return [.. _fragments.Skip(Math.Max(0, _fragments.Count - count)).Select(static f => f.Info)];
        }
    }

    public ReadOnlyMemory<byte>? Find(long number)
    {
        lock (_gate)
        {
            foreach (var (info, data) in _fragments)
            {
                if (info.Number == number)
                {
                    return data;
                }
            }

            return null;
        }
    }

    public (ReadOnlyMemory<byte> Data, string Codecs)? FindInit(string key)
    {
        lock (_gate)
        {
            return _inits.TryGetValue(key, out var init) ? init : null;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _fragments.Clear();
            _inits.Clear();
        }
    }
}
