using System.Diagnostics;
using Platform.Storage;

namespace Platform.Benchmarks.StorageAppend;

/// <summary>
/// Append throughput and latency against one store: N concurrent writers appending fixed-size blocks,
/// either all into one shared append blob (the contended shard-log case) or each into its own blob.
/// </summary>
internal static class AppendBenchmark
{
    // Stay clear of the 50,000-block limit: writers move to a fresh blob before reaching it.
    private const int BlocksPerBlob = 45_000;

    public static async Task<AppendResultRow> RunAsync(string backend, IBlobStore store, int blockSize, int concurrency, bool sharedBlob, TimeSpan duration, CancellationToken cancellationToken)
    {
        var container = "bench" + Guid.NewGuid().ToString("N")[..16];
        await store.CreateContainerIfNotExistsAsync(container, cancellationToken);
        try
        {
            var block = new byte[blockSize];
            Random.Shared.NextBytes(block);
            var blobs = new BlobTarget[sharedBlob ? 1 : concurrency];
            for (var i = 0; i < blobs.Length; i++)
            {
                blobs[i] = new BlobTarget(store, container, $"w{i}");
                await blobs[i].RollAsync(cancellationToken);
            }

            // Warm up connections, caches and JIT before measuring.
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => blobs[sharedBlob ? 0 : w].AppendAsync(block, cancellationToken)));

            var latencies = new LatencyRecorder(concurrency);
            var clock = Stopwatch.StartNew();
            var end = duration.Ticks;
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
            {
                var target = blobs[sharedBlob ? 0 : w];
                while (clock.Elapsed.Ticks < end)
                {
                    var start = Stopwatch.GetTimestamp();
                    await target.AppendAsync(block, cancellationToken);
                    latencies.Record(w, Stopwatch.GetTimestamp() - start);
                }
            }, cancellationToken)));
            var seconds = clock.Elapsed.TotalSeconds;
            var (count, p50, p99) = latencies.Summarize();
            return new AppendResultRow(backend, blockSize, concurrency, sharedBlob ? "one blob" : "blob per writer", count / seconds, count * (double)blockSize / seconds / (1024 * 1024), p50, p99, count);
        }
        finally
        {
            await store.DeleteContainerIfExistsAsync(container, CancellationToken.None);
        }
    }

    private sealed class BlobTarget(IBlobStore store, string container, string prefix)
    {
        private readonly SemaphoreSlim _rollGate = new(1, 1);
        private BlobPath _current;
        private int _generation;
        private int _appended;

        public async Task RollAsync(CancellationToken cancellationToken)
        {
            _current = new BlobPath(container, $"{prefix}-{_generation++:D4}");
            await store.CreateAppendBlobAsync(_current, cancellationToken: cancellationToken);
            Volatile.Write(ref _appended, 0);
        }

        public async Task AppendAsync(byte[] block, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _appended) >= BlocksPerBlob)
            {
                await _rollGate.WaitAsync(cancellationToken);
                try
                {
                    if (Volatile.Read(ref _appended) >= BlocksPerBlob)
                    {
                        await RollAsync(cancellationToken);
                    }
                }
                finally
                {
                    _rollGate.Release();
                }
            }

            await store.AppendBlockAsync(_current, block, cancellationToken: cancellationToken);
        }
    }
}

internal sealed record AppendResultRow(string Backend, int BlockSize, int Concurrency, string Layout, double AppendsPerSecond, double MegabytesPerSecond, double P50Ms, double P99Ms, int Count);
