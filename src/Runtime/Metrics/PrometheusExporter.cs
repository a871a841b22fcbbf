using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Platform.Runtime.Metrics;

/// <summary>
/// Collects the platform's instruments (meters named <c>Platform.*</c>) with a <see cref="MeterListener"/> and renders
/// them in the Prometheus text format: counters as <c>_total</c>, histograms as summaries of count, sum and last
/// value (with p50/p99 over a bounded window of recent values).
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    private const int Window = 2048;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Name, string Labels), Series> _series = new();

    public PrometheusExporter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name.StartsWith("Platform", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The current values as Prometheus text exposition format 0.0.4.</summary>
    public string Render()
    {
        _listener.RecordObservableInstruments();
        var text = new StringBuilder();
        foreach (var group in _series.OrderBy(s => s.Key.Name, StringComparer.Ordinal).ThenBy(s => s.Key.Labels, StringComparer.Ordinal).GroupBy(s => s.Key.Name))
        {
            var first = group.First().Value;
            var name = Sanitize(group.Key) + (first.Unit is { Length: > 0 } unit ? "_" + Sanitize(unit) : string.Empty);
            if (first.IsCounter)
            {
                text.Append("# TYPE ").Append(name).Append("_total counter\n");
                foreach (var (key, series) in group)
                {
                    text.Append(name).Append("_total").Append(key.Labels).Append(' ').Append(Format(series.Sum)).Append('\n');
                }

                continue;
            }

            text.Append("# TYPE ").Append(name).Append(" summary\n");
            foreach (var (key, series) in group)
            {
                var (p50, p99) = series.Quantiles();
                text.Append(name).Append(WithQuantile(key.Labels, "0.5")).Append(' ').Append(Format(p50)).Append('\n');
                text.Append(name).Append(WithQuantile(key.Labels, "0.99")).Append(' ').Append(Format(p99)).Append('\n');
                text.Append(name).Append("_sum").Append(key.Labels).Append(' ').Append(Format(series.Sum)).Append('\n');
                text.Append(name).Append("_count").Append(key.Labels).Append(' ').Append(series.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = Labels(tags);
        var series = _series.GetOrAdd((instrument.Name, labels), static (_, i) => new Series(i is Counter<long> or Counter<int> or Counter<double> or UpDownCounter<long>, i.Unit), instrument);
        series.Add(value);
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return string.Empty;
        }

        var text = new StringBuilder("{");
        foreach (var tag in tags)
        {
            if (text.Length > 1)
            {
                text.Append(',');
            }

            var value = Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? string.Empty;
            text.Append(Sanitize(tag.Key)).Append("=\"").Append(value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('"');
        }

        return text.Append('}').ToString();
    }

    private static string WithQuantile(string labels, string quantile) =>
        labels.Length == 0 ? $"{{quantile=\"{quantile}\"}}" : $"{labels[..^1]},quantile=\"{quantile}\"}}";

    private static string Sanitize(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        return builder.ToString();
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private sealed class Series(bool isCounter, string? unit)
    {
        private readonly Lock _gate = new();
        private readonly double[] _recent = new double[Window];
        private long _count;
        private double _sum;

        public bool IsCounter { get; } = isCounter;

        public string? Unit { get; } = unit;

        public double Sum { get { lock (_gate) { return _sum; } } }

        public long Count { get { lock (_gate) { return _count; } } }

        public void Add(double value)
        {
            lock (_gate)
            {
                _recent[_count % Window] = value;
                _count++;
                _sum += value;
            }
        }

        public (double P50, double P99) Quantiles()
        {
            double[] values;
            lock (_gate)
            {
                values = _recent[..(int)Math.Min(_count, Window)];
            }

            if (values.Length == 0)
            {
                return (0, 0);
            }

            Array.Sort(values);
            return (values[(int)((values.Length - 1) * 0.5)], values[(int)((values.Length - 1) * 0.99)]);
        }
    }
}
