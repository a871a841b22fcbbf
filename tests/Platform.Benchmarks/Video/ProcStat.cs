using System.Globalization;

namespace Platform.Benchmarks.Video;

/// <summary>CPU time and resident memory of a process and its descendants, read from /proc (Linux only).</summary>
internal static class ProcStat
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on every Linux this runs on

    /// <summary>utime + stime of <paramref name="pid"/> and every descendant alive now, in seconds.</summary>
    public static double CpuSeconds(int pid) => Tree(pid).Sum(p => Read(p)?.CpuTicks ?? 0) / TicksPerSecond;

    /// <summary>Resident set size of <paramref name="pid"/> and its descendants, in bytes.</summary>
    public static long RssBytes(int pid) => Tree(pid).Sum(p => Read(p)?.RssPages ?? 0) * Environment.SystemPageSize;

    private static List<int> Tree(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Read(pid) is { } stat)
            {
                parents[pid] = stat.ParentId;
            }
        }

        var tree = new List<int> { root };
        for (var i = 0; i < tree.Count; i++)
        {
            tree.AddRange(parents.Where(p => p.Value == tree[i]).Select(p => p.Key));
        }

        return tree;
    }

    private static (int ParentId, long CpuTicks, long RssPages)? Read(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // The command name (field 2) may hold spaces; fields after its closing parenthesis are fixed.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
        return ((int)Field(4), Field(14) + Field(15), Field(24));
    }
}
