namespace Platform.Benchmarks.Functions;

/// <summary>Nearest-rank percentiles of a set of durations in milliseconds.</summary>
internal static class Percentiles
{
    public static (double P50, double P99, double Max) Of(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        if (sorted.Length == 0)
        {
            return (double.NaN, double.NaN, double.NaN);
        }

        double At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return (At(0.50), At(0.99), sorted[^1]);
    }
}
