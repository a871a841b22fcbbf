namespace Platform.Testing;

/// <summary>Locates the repository from the test binaries, so tests can use infra/ and sibling build outputs.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Infra => Path.Combine(Root, "infra");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Platform.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Cannot find Platform.sln above {AppContext.BaseDirectory}.");
    }
}
