namespace Platform.Video.Media.Fragmenting;

/// <summary>
/// One track's configuration and the samples buffered for the fragment in progress. Sample bytes are copied into one
/// buffer the track owns and reuses from fragment to fragment, so buffering a frame allocates nothing once the buffer has
/// grown to a fragment's size, and callers may reuse their own buffers as soon as <see cref="Add"/> returns.
/// </summary>
internal sealed class TrackBuffer(TrackConfig config, long defaultDuration)
{
    private const int InitialCapacity = 64 * 1024;

    private readonly List<BufferedSample> _samples = [];
    private byte[] _bytes = [];
    private int _used;

    public TrackConfig Config { get; set; } = config;

    /// <summary>Duration used for a last sample whose successor is unknown and that has no predecessor.</summary>
    public long DefaultDuration { get; set; } = defaultDuration;

    /// <summary>DTS of the newest accepted unit, kept across fragments to reject time going backwards.</summary>
    public long? LastDts { get; set; }

    /// <summary>Duration of the newest written sample, the best guess for a last sample without a successor.</summary>
    public long? LastDuration { get; set; }

    /// <summary>Samples buffered.</summary>
    public int Count => _samples.Count;

    /// <summary>Bytes of the samples buffered.</summary>
    public int BufferedBytes => _used;

    public BufferedSample this[int index] => _samples[index];

    public TimeSpan TimeOf(long ticks) => Fragmenter.ToTime(ticks, Config.Timescale);

    /// <summary>The bytes of a buffered sample; valid until the next <see cref="Add"/>, <see cref="KeepFrom"/> or <see cref="Clear"/>.</summary>
    public ReadOnlyMemory<byte> DataOf(in BufferedSample sample) => _bytes.AsMemory(sample.Offset, sample.Length);

    /// <summary>Buffers a copy of <paramref name="unit"/>: its data is not referenced after this returns.</summary>
    public void Add(AccessUnit unit)
    {
        var data = unit.Data.Span;
        if (_bytes.Length - _used < data.Length)
        {
            Grow(data.Length);
        }

        data.CopyTo(_bytes.AsSpan(_used));
        _samples.Add(new BufferedSample(unit.Dts, unit.Pts, unit.IsKeyframe, unit.ProducerTime, _used, data.Length));
        _used += data.Length;
    }

    /// <summary>Index of the first sample whose decode time is at or after <paramref name="time"/>, or -1.</summary>
    public int FindFirstAtOrAfter(TimeSpan time)
    {
        for (var i = 0; i < _samples.Count; i++)
        {
            if (TimeOf(_samples[i].Dts) >= time)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Drops the samples before <paramref name="index"/>, moving the bytes of the rest to the buffer's start.</summary>
    public void KeepFrom(int index)
    {
        if (index >= _samples.Count)
        {
            Clear();
            return;
        }

        if (index <= 0)
        {
            return;
        }

        var start = _samples[index].Offset;
        _bytes.AsSpan(start, _used - start).CopyTo(_bytes);
        _samples.RemoveRange(0, index);
        for (var i = 0; i < _samples.Count; i++)
        {
            _samples[i] = _samples[i] with { Offset = _samples[i].Offset - start };
        }

        _used -= start;
    }

    public void Clear()
    {
        _samples.Clear();
        _used = 0;
    }

    private void Grow(int needed)
    {
        // Doubling, so a session reaches its fragment size in a few steps and then stops allocating.
        var capacity = Math.Max(Math.Max(InitialCapacity, _bytes.Length * 2), _used + needed);
        var bigger = GC.AllocateUninitializedArray<byte>(capacity);
        _bytes.AsSpan(0, _used).CopyTo(bigger);
        _bytes = bigger;
    }
}
