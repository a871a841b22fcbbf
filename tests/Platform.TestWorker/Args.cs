namespace Platform.TestWorker;

internal static class Args
{
    public static Dictionary<string, string> Parse(ReadOnlySpan<string> args)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Expected an option, got '{args[i]}'.");
            }

            result[args[i][2..]] = args[i + 1];
        }

        return result;
    }
}
