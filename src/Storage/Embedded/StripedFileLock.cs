namespace Platform.Storage.Embedded;

/// <summary>
/// Mutual exclusion for blob writers across threads and processes sharing one data folder. A blob
/// hashes to one of N stripes; a stripe is a <see cref="SemaphoreSlim"/> (threads of this process)
/// plus an advisory <c>flock</c> on a lock file (other processes). The kernel drops a flock when its
/// holder dies, so a process killed with -9 never leaves a stripe locked.
/// </summary>
internal sealed class StripedFileLock : IDisposable
{
    private readonly SemaphoreSlim[] _gates;
    private readonly int[] _fds;

    public StripedFileLock(string directory, int stripes)
    {
        Directory.CreateDirectory(directory);
        _gates = new SemaphoreSlim[stripes];
        _fds = new int[stripes];
        for (var i = 0; i < stripes; i++)
        {
            _gates[i] = new SemaphoreSlim(1, 1);
            _fds[i] = NativeMethods.OpenLockFile(Path.Combine(directory, $"{i:D3}.lock"));
        }
    }

    public int StripeOf(string key) => (int)((uint)StableHash(key) % (uint)_gates.Length);

    public async ValueTask<Releaser> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        var stripe = StripeOf(key);
        var gate = _gates[stripe];
        await gate.WaitAsync(cancellationToken);
        try
        {
            // Contention from other processes is the rare case: poll with a short, growing delay.
            var delay = 1;
            while (!NativeMethods.TryLockExclusive(_fds[stripe]))
            {
                await Task.Delay(delay, cancellationToken);
                delay = Math.Min(delay * 2, 16);
            }
        }
        catch
        {
            gate.Release();
            throw;
        }

        return new Releaser(this, stripe);
    }

    public void Dispose()
    {
        for (var i = 0; i < _fds.Length; i++)
        {
            NativeMethods.CloseFd(_fds[i]);
            _gates[i].Dispose();
        }
    }

    private void Release(int stripe)
    {
        NativeMethods.Unlock(_fds[stripe]);
        _gates[stripe].Release();
    }

    // FNV-1a: string.GetHashCode is randomised per process, and every process must pick the same stripe.
    private static uint StableHash(string key)
    {
        var hash = 2166136261u;
        foreach (var c in key)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }

    public readonly struct Releaser(StripedFileLock owner, int stripe) : IDisposable
    {
        public void Dispose() => owner.Release(stripe);
    }
}
