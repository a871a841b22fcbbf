using System.Diagnostics.Metrics;

namespace Platform.Triggers.Metrics;

/// <summary>
/// The function runtime's metrics (System.Diagnostics.Metrics, meter <c>Platform.Functions</c>), tagged by function,
/// named after Lambda's: IteratorAge (age of a finished batch's last record), invocations, errors, records processed,
/// records sent to the on-failure destination, duration and batch size.
/// </summary>
public sealed class FunctionMetrics : IDisposable
{
    public const string MeterName = "Platform.Functions";
    private readonly Meter _meter;
    private readonly Histogram<double> _iteratorAge;
    private readonly Counter<long> _invocations;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _records;
    private readonly Counter<long> _failed;
    private readonly Histogram<double> _duration;
    private readonly Histogram<int> _batchSize;

    public FunctionMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _iteratorAge = _meter.CreateHistogram<double>("platform.functions.iterator_age", "ms", "Age of the last record of each finished batch when it finished");
        _invocations = _meter.CreateCounter<long>("platform.functions.invocations", null, "Function invocations");
        _errors = _meter.CreateCounter<long>("platform.functions.errors", null, "Invocations that failed (exception, timeout, partial or invalid response)");
        _records = _meter.CreateCounter<long>("platform.functions.records_processed", null, "Records the function accepted");
        _failed = _meter.CreateCounter<long>("platform.functions.records_failed", null, "Records sent to the on-failure destination (or discarded without one)");
        _duration = _meter.CreateHistogram<double>("platform.functions.duration", "ms", "Invocation duration");
        _batchSize = _meter.CreateHistogram<int>("platform.functions.batch_size", null, "Records per invocation");
    }

    public void Invoked(string function, int batchSize, int processed, bool failed, double milliseconds)
    {
        var tag = new KeyValuePair<string, object?>("function", function);
        _invocations.Add(1, tag);
        if (failed)
        {
            _errors.Add(1, tag);
        }

        _records.Add(processed, tag);
        _duration.Record(milliseconds, tag);
        _batchSize.Record(batchSize, tag);
    }

    public void IteratorAge(string function, double milliseconds) => _iteratorAge.Record(Math.Max(0, milliseconds), new KeyValuePair<string, object?>("function", function));

    public void SentToFailureDestination(string function, int records) => _failed.Add(records, new KeyValuePair<string, object?>("function", function));

    public void Dispose() => _meter.Dispose();
}
