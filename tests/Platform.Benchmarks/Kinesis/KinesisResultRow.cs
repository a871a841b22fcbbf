using System.Text.Json;
using Platform.Testing;

namespace Platform.Benchmarks.Kinesis;

/// <summary>
/// One target's figures as the node scripts reported them; null where a script did not get that far.
/// The "seen" fractions say how many of the records put the visibility poller actually received.
/// </summary>
internal sealed record KinesisResultRow(
    string Target,
    string HttpVersion,
    double? PutRecordsPerSecond = null,
    double? ReadRecordsPerSecond = null,
    double? PutP50Ms = null,
    double? PutP99Ms = null,
    double? PutBesidePollerPerSecond = null,
    double? VisibleP50Ms = null,
    double? VisibleP99Ms = null,
    double? VisibleSeen = null,
    double? IdleVisibleP50Ms = null,
    double? IdleVisibleP99Ms = null,
    double? IdleVisibleSeen = null,
    long? ReadBackRecords = null,
    bool? CountCheckPassed = null,
    string? Error = null,
    double? StorageWritesPerShardPerSecond = null)
{
    public static KinesisResultRow Skipped(string target, string httpVersion, string reason) =>
        new(target, httpVersion, Error: reason);

    public static KinesisResultRow Failed(string target, string httpVersion, Exception error) =>
        new(target, httpVersion, Error: $"{error.GetType().Name}: {error.Message}");

    /// <summary>The figures of the load run alone: put, read-back and the check.</summary>
    public static KinesisResultRow From(string target, string httpVersion, NodeScriptResult load, JsonDocument? loadJson)
    {
        var l = loadJson?.RootElement;
        string? error = null;
        if (l is null)
        {
            error = $"kinesis-load.cjs printed no result: {Shorten(load.Transcript)}";
        }
        else if (l.Value.TryGetProperty("error", out var loadError))
        {
            error = $"load: {loadError.GetString()}";
        }

        return new KinesisResultRow(
            target,
            httpVersion,
            PutRecordsPerSecond: Number(l, "put", "recordsPerSecond"),
            ReadRecordsPerSecond: Number(l, "read", "recordsPerSecond"),
            PutP50Ms: Number(l, "put", "latencyMs", "p50"),
            PutP99Ms: Number(l, "put", "latencyMs", "p99"),
            ReadBackRecords: (long?)Number(l, "read", "records"),
            CountCheckPassed: Element(l, "check", "ok")?.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => null },
            Error: error);
    }

    /// <summary>Adds the figures of the load run beside the visibility poller; its failure is noted, the rest kept.</summary>
    public KinesisResultRow WithLoadedVisibility(NodeScriptResult load, JsonDocument? loadJson, NodeScriptResult visibility, JsonDocument? visibilityJson)
    {
        var l = loadJson?.RootElement;
        var v = visibilityJson?.RootElement;
        var errors = new List<string>();
        if (l is null)
        {
            errors.Add($"kinesis-load.cjs beside the poller printed no result: {Shorten(load.Transcript)}");
        }
        else if (l.Value.TryGetProperty("error", out var loadError))
        {
            errors.Add($"load beside the poller: {loadError.GetString()}");
        }

        if (v is null && visibility.StoppedBecause == "cancelled")
        {
            errors.Add("visibility: stopped because the load could not run");
        }
        else if (v is null)
        {
            errors.Add($"kinesis-visibility.cjs printed no result: {Shorten(visibility.Transcript)}");
        }
        else if (v.Value.TryGetProperty("error", out var visibilityError))
        {
            errors.Add($"visibility: {visibilityError.GetString()}");
        }

        return this with
        {
            PutBesidePollerPerSecond = Number(l, "put", "recordsPerSecond"),
            VisibleP50Ms = Number(v, "latencyMs", "p50"),
            VisibleP99Ms = Number(v, "latencyMs", "p99"),
            VisibleSeen = Fraction(Number(v, "measured"), Number(l, "put", "records")),
            Error = errors.Count == 0 ? Error : string.Join("; ", [.. errors, .. Error is null ? Array.Empty<string>() : [Error]]),
        };
    }

    /// <summary>Adds the figures of the light-producer visibility run; its failure is noted, the rest kept.</summary>
    public KinesisResultRow WithIdleVisibility(NodeScriptResult idle, JsonDocument? idleJson)
    {
        var root = idleJson?.RootElement;
        var error = root is null
            ? $"idle visibility printed no result: {Shorten(idle.Transcript)}"
            : root.Value.TryGetProperty("error", out var e) ? $"idle visibility: {e.GetString()}" : null;
        return this with
        {
            IdleVisibleP50Ms = Number(root, "latencyMs", "p50"),
            IdleVisibleP99Ms = Number(root, "latencyMs", "p99"),
            IdleVisibleSeen = Fraction(Number(root, "measured"), Number(root, "produced")),
            Error = error is null ? Error : Error is null ? error : $"{Error}; {error}",
        };
    }

    private static JsonElement? Element(JsonElement? root, params string[] path)
    {
        var current = root;
        foreach (var name in path)
        {
            if (current is not { ValueKind: JsonValueKind.Object } obj || !obj.TryGetProperty(name, out var child))
            {
                return null;
            }

            current = child;
        }

        return current;
    }

    private static double? Number(JsonElement? root, params string[] path) =>
        Element(root, path) is { ValueKind: JsonValueKind.Number } n ? n.GetDouble() : null;

    private static double? Fraction(double? part, double? whole) => part is { } p && whole is > 0 ? p / whole.Value : null;

    private static string Shorten(string text) => text.Length <= 600 ? text : string.Concat(text.AsSpan(0, 300), " … ", text.AsSpan(text.Length - 300));
}
