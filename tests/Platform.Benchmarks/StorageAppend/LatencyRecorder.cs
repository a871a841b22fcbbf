namespace Platform.Benchmarks.StorageAppend;

/// <summary>Collects per-operation latencies (in ticks) from many threads and reports percentiles.</summary>
internal sealed class LatencyRecorder
{
    private readonly List<long>[] _perWorker;

    public LatencyRecorder(int workers)
    {
        _perWorker = new List<long>[workers];
        for (var i = 0; i < workers; i++)
        {
            _perWorker[i] = new List<long>(4096);
        }
    }

    public void Record(int worker, long elapsedTicks) => _perWorker[worker].Add(elapsedTicks);

    public (int Count, double P50Ms, double P99Ms) Summarize()
    {
        var all = _perWorker.SelectMany(l => l).ToArray();
        if (all.Length == 0)
        {
            return (0, double.NaN, double.NaN);
        }

        Array.Sort(all);
        return (all.Length, ToMs(Percentile(all, 0.50)), ToMs(Percentile(all, 0.99)));
    }

    private static long Percentile(long[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static double ToMs(long stopwatchTicks) => stopwatchTicks * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
}
