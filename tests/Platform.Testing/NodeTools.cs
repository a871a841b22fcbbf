using System.Diagnostics;

namespace Platform.Testing;

/// <summary>Installs infra/'s pinned npm packages when they are missing (a fresh clone), once across processes.</summary>
public static class NodeTools
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static async Task EnsureInstalledAsync(string binary, CancellationToken cancellationToken)
    {
        var bin = Path.Combine(RepoPaths.Infra, "node_modules", ".bin", binary);
        if (File.Exists(bin))
        {
            return;
        }

        await Gate.WaitAsync(cancellationToken);
        try
        {
            // Another test process may be installing too: serialise on a lock file beside package.json.
            using var lockFile = await OpenExclusiveAsync(Path.Combine(RepoPaths.Infra, ".npm-install.lock"), cancellationToken);
            if (File.Exists(bin))
            {
                return;
            }

            var psi = new ProcessStartInfo("npm", "ci --no-audit --no-fund")
            {
                WorkingDirectory = RepoPaths.Infra,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var npm = Process.Start(psi) ?? throw new InvalidOperationException("Cannot start npm; install Node.js 20 or later.");
            var stdout = npm.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = npm.StandardError.ReadToEndAsync(cancellationToken);
            await npm.WaitForExitAsync(cancellationToken);
            if (npm.ExitCode != 0 || !File.Exists(bin))
            {
                throw new InvalidOperationException($"npm ci in {RepoPaths.Infra} failed ({npm.ExitCode}): {await stderr}{await stdout}");
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<FileStream> OpenExclusiveAsync(string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(250, cancellationToken);
            }
        }
    }
}
