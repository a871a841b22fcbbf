namespace Platform.Streams.Service;

/// <summary>
/// Kinesis's per-shard write limits as two token buckets (bytes and records per second, one second of burst).
/// Thread-safe; used only when quotas are switched on.
/// </summary>
public sealed class ShardWriteQuota
{
    public const long BytesPerSecond = 1024 * 1024;
    public const long RecordsPerSecond = 1000;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private double _bytes = BytesPerSecond;
    private double _records = RecordsPerSecond;
    private long _last;

    public ShardWriteQuota(TimeProvider time)
    {
        _time = time;
        _last = time.GetTimestamp();
    }

    /// <summary>Takes room for one record of <paramref name="bytes"/> bytes, or returns false when the shard is over its limit.</summary>
    public bool TryTake(long bytes)
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            var seconds = _time.GetElapsedTime(_last, now).TotalSeconds;
            _last = now;
            _bytes = Math.Min(BytesPerSecond, _bytes + (seconds * BytesPerSecond));
            _records = Math.Min(RecordsPerSecond, _records + (seconds * RecordsPerSecond));
            if (_records < 1 || _bytes < bytes)
            {
                return false;
            }

            _records -= 1;
            _bytes -= bytes;
            return true;
        }
    }
}
