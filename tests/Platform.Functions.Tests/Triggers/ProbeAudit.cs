namespace Platform.Functions.Tests.Triggers;

/// <summary>Checks over a probe file's lines: ownership, sessions, overlapping invocations and order.</summary>
internal static class ProbeAudit
{
    /// <summary>Which host invoked each shard last.</summary>
    public static Dictionary<string, string> LastInvoker(IEnumerable<ProbeLine> lines) =>
        lines.Where(l => l.IsStart).GroupBy(l => l.Shard).ToDictionary(g => g.Key, g => g.Last().Host, StringComparer.Ordinal);

    /// <summary>Per shard, the runs of invocations by one host (a shard that moved away and back has two runs for that host).</summary>
    public static List<ProbeSession> Sessions(IEnumerable<ProbeLine> lines)
    {
        var sessions = new List<ProbeSession>();
        foreach (var shard in lines.Where(l => l.IsStart).GroupBy(l => l.Shard))
        {
            List<ProbeLine>? current = null;
            string? host = null;
            foreach (var start in shard)
            {
                if (start.Host != host)
                {
                    current = [];
                    host = start.Host;
                    sessions.Add(new ProbeSession(host, shard.Key, current));
                }

                current!.Add(start);
            }
        }

        return sessions;
    }

    /// <summary>
    /// Invocations of one shard that began while another invocation of it had not ended, in file order. A killed host's
    /// unfinished invocation counts as ended at <paramref name="killedAt"/> (the number of lines written before the
    /// kill was confirmed), as nothing of it runs after that.
    /// </summary>
    public static List<string> Overlaps(IReadOnlyList<ProbeLine> lines, IReadOnlyDictionary<string, int> killedAt)
    {
        var problems = new List<string>();
        var open = new Dictionary<string, ProbeLine>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            foreach (var (shard, running) in open.ToList())
            {
                if (killedAt.TryGetValue(running.Host, out var at) && line.Index >= at)
                {
                    open.Remove(shard);
                }
            }

            if (line.IsStart)
            {
                if (open.TryGetValue(line.Shard, out var running))
                {
                    problems.Add($"line {line.Index}: {line.Host} started {line.Shard} at {line.First} while {running.Host}'s invocation from line {running.Index} ({running.First}..{running.Last}) had not ended");
                }

                open[line.Shard] = line;
            }
            else if (open.TryGetValue(line.Shard, out var started) && started.Host == line.Host)
            {
                open.Remove(line.Shard);
            }
            else
            {
                problems.Add($"line {line.Index}: END by {line.Host} on {line.Shard} without its START");
            }
        }

        return problems;
    }

    /// <summary>Sessions whose records did not come in strictly increasing sequence order.</summary>
    public static List<string> OutOfOrder(IEnumerable<ProbeSession> sessions)
    {
        var problems = new List<string>();
        foreach (var session in sessions)
        {
            string? previous = null;
            foreach (var sequence in session.Sequences)
            {
                if (previous is not null && ProbeFile.Compare(sequence, previous) <= 0)
                {
                    problems.Add($"{session.Host} on {session.Shard}: {sequence} came after {previous}");
                    break;
                }

                previous = sequence;
            }
        }

        return problems;
    }
}
