using System.Globalization;
using System.Numerics;

namespace Platform.Functions.Tests.Triggers;

/// <summary>
/// The shared file the probe functions of several host processes append to (see tests/Platform.TestFunctions): one
/// <c>START</c> line before an invocation (with the batch's sequence numbers) and one <c>END</c> line after it. Every
/// line is one <c>O_APPEND</c> write, so the file's order is the order in which the hosts wrote.
/// </summary>
internal sealed class ProbeFile(string path)
{
    public string Path { get; } = path;

    /// <summary>The complete lines written so far, in file order (a line still being written is left out).</summary>
    public IReadOnlyList<ProbeLine> Read()
    {
        if (!File.Exists(Path))
        {
            return [];
        }

        using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        var end = text.LastIndexOf('\n');
        if (end < 0)
        {
            return [];
        }

        var lines = new List<ProbeLine>();
        foreach (var raw in text[..end].Split('\n'))
        {
            var parts = raw.Split(' ');
            if (parts[0] is not ("START" or "END") || parts.Length < 6)
            {
                throw new InvalidDataException($"Unexpected probe line: {raw}");
            }

            var sequences = parts[0] == "START" && parts.Length >= 8 ? parts[7].Split(',') : [];
            lines.Add(new ProbeLine(lines.Count, parts[0], parts[1], parts[2], parts[3], parts[4], long.Parse(parts[5], CultureInfo.InvariantCulture), sequences));
        }

        return lines;
    }

    /// <summary>Sequence numbers are decimal integers of up to 128 bits; compare them as numbers.</summary>
    public static int Compare(string a, string b) => BigInteger.Parse(a, CultureInfo.InvariantCulture).CompareTo(BigInteger.Parse(b, CultureInfo.InvariantCulture));
}

/// <summary>One probe line: <paramref name="Kind"/> is START or END; <paramref name="Sequences"/> only on START.</summary>
internal sealed record ProbeLine(int Index, string Kind, string Host, string Shard, string First, string Last, long Ticks, IReadOnlyList<string> Sequences)
{
    public bool IsStart => Kind == "START";
}

/// <summary>A run of consecutive invocations of one shard by one host, in file order.</summary>
internal sealed record ProbeSession(string Host, string Shard, IReadOnlyList<ProbeLine> Starts)
{
    public IEnumerable<string> Sequences => Starts.SelectMany(s => s.Sequences);

    public long FirstTicks => Starts[0].Ticks;
}
