using System.Globalization;
using System.Text;

namespace Platform.Benchmarks;

/// <summary>
/// What the benchmark commands share: their <c>--name value</c> options, and the run of named parts into one
/// Markdown report where a failing part is reported and the others still run.
/// </summary>
internal static class BenchCommand
{
    /// <summary>Where reports go unless <c>--out</c> says otherwise.</summary>
    public static string DefaultOutDir => Path.Combine(Platform.Testing.RepoPaths.Root, "bench-results");

    /// <summary>
    /// Hands each <c>--name value</c> pair after the command word to <paramref name="apply"/>; false (after telling
    /// the user, with <paramref name="usage"/>) on a name without a value or one <paramref name="apply"/> does not know.
    /// </summary>
    /// <param name="args">The command line, the command word first.</param>
    /// <param name="usage">The command's usage line.</param>
    /// <param name="apply">Takes one option; false when it does not know the name.</param>
    public static async Task<bool> TryParseAsync(string[] args, string usage, Func<string, string, bool> apply)
    {
        for (var i = 1; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length)
            {
                await Console.Error.WriteLineAsync($"option {args[i]} needs a value; usage: {usage}");
                return false;
            }

            if (!apply(args[i], args[i + 1]))
            {
                await Console.Error.WriteLineAsync($"unknown option {args[i]} {args[i + 1]}; usage: {usage}");
                return false;
            }
        }

        return true;
    }

    /// <summary>The value of <c>--parts</c> or <c>--targets</c>: a comma-separated list.</summary>
    public static string[] List(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The value of <c>--host-env</c>: <c>K=V,K=V</c>.</summary>
    public static Dictionary<string, string> Environment(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(kv => kv.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv.Length > 1 ? kv[1] : string.Empty);

    /// <summary>
    /// Runs <paramref name="parts"/> one after the other, prints each section and writes them all to
    /// <c>&lt;name&gt;-&lt;time&gt;.md</c> in <paramref name="outDir"/>; 0 when every part ran, 1 when one failed.
    /// </summary>
    /// <param name="name">The report file's prefix.</param>
    /// <param name="title">The report's heading, before the start time and core count.</param>
    /// <param name="args">The command line, quoted in the report.</param>
    /// <param name="preamble">Writes what the report says after the command line, or null.</param>
    /// <param name="parts">The parts to run, in order.</param>
    /// <param name="runPart">Runs one part and returns its Markdown section.</param>
    /// <param name="outDir">Where the report goes.</param>
    /// <param name="timeout">How long the whole run may take.</param>
    public static async Task<int> RunPartsAsync(
        string name,
        string title,
        string[] args,
        Action<StringBuilder>? preamble,
        IEnumerable<string> parts,
        Func<string, CancellationToken, Task<string>> runPart,
        string outDir,
        TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var started = DateTime.UtcNow;
        var md = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"# {title} ({started:u}, {System.Environment.ProcessorCount} cores)")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Command: `dotnet run -c Release --project tests/Platform.Benchmarks -- {string.Join(' ', args)}`")
            .AppendLine();
        preamble?.Invoke(md);
        var ok = true;
        foreach (var part in parts)
        {
            Console.WriteLine($"{part}: starting");
            string section;
            try
            {
                section = await runPart(part, cts.Token);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or ArgumentException or HttpRequestException)
            {
                ok = false;
                section = $"## {part}\n\nFAILED: {e.GetType().Name}: {e.Message}\n";
            }

            Console.WriteLine(section);
            md.AppendLine(section);
        }

        Directory.CreateDirectory(outDir);
        var path = Path.Combine(outDir, $"{name}-{started.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.md");
        await File.WriteAllTextAsync(path, md.ToString(), cts.Token);
        Console.WriteLine($"results written to {path}");
        return ok ? 0 : 1;
    }
}
