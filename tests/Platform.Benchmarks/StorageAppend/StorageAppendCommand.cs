using System.Globalization;
using System.Text;
using Platform.Storage;
using Platform.Storage.Azure;
using Platform.Storage.Embedded;
using Platform.Testing;

namespace Platform.Benchmarks.StorageAppend;

/// <summary>
/// <c>storage-append [--seconds N] [--out DIR] [--backends embedded,azurite]</c>: append throughput and
/// latency per backend; writes a Markdown table to DIR (default bench-results/).
/// </summary>
internal static class StorageAppendCommand
{
    public const string Usage = "storage-append [--seconds N] [--out DIR] [--backends embedded,azurite]";

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = 5.0;
        var outDir = Path.Combine(RepoPaths.Root, "bench-results");
        var backends = new[] { "embedded", "azurite" };
        for (var i = 1; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--seconds": seconds = double.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--out": outDir = Path.GetFullPath(args[i + 1]); break;
                case "--backends": backends = args[i + 1].Split(','); break;
                default: await Console.Error.WriteLineAsync($"unknown option {args[i]}"); return 2;
            }
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        var rows = new List<AppendResultRow>();
        var dataFolder = Path.Combine(Path.GetTempPath(), "platform-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            foreach (var backend in backends)
            {
                AzuriteServer? azurite = null;
                IBlobStore store;
                if (backend == "azurite")
                {
                    azurite = await AzuriteServer.StartAsync(cts.Token);
                    store = AzureBlobStore.FromConnectionString(azurite.ConnectionString);
                }
                else
                {
                    store = EmbeddedBlobStore.Open(new EmbeddedBlobStoreOptions { DataPath = dataFolder });
                }

                try
                {
                    foreach (var size in new[] { 1024, 64 * 1024 })
                    {
                        foreach (var (concurrency, shared) in new[] { (1, true), (16, true), (16, false) })
                        {
                            var row = await AppendBenchmark.RunAsync(backend, store, size, concurrency, shared, TimeSpan.FromSeconds(seconds), cts.Token);
                            rows.Add(row);
                            Console.WriteLine(Format(row));
                        }
                    }
                }
                finally
                {
                    (store as IDisposable)?.Dispose();
                    if (azurite is not null)
                    {
                        await azurite.DisposeAsync();
                    }
                }
            }
        }
        finally
        {
            if (Directory.Exists(dataFolder))
            {
                Directory.Delete(dataFolder, recursive: true);
            }
        }

        Directory.CreateDirectory(outDir);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var markdown = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"# Storage append benchmark ({DateTime.UtcNow:u}, {Environment.ProcessorCount} cores, {seconds:0.#} s per case)")
            .AppendLine()
            .AppendLine("| backend | block | writers | layout | appends/s | MB/s | p50 ms | p99 ms | appends |")
            .AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
        {
            markdown.AppendLine(CultureInfo.InvariantCulture, $"| {r.Backend} | {r.BlockSize / 1024} KiB | {r.Concurrency} | {r.Layout} | {r.AppendsPerSecond:0} | {r.MegabytesPerSecond:0.0} | {r.P50Ms:0.00} | {r.P99Ms:0.00} | {r.Count} |");
        }

        var mdPath = Path.Combine(outDir, $"storage-append-{stamp}.md");
        await File.WriteAllTextAsync(mdPath, markdown.ToString());
        Console.WriteLine($"results written to {mdPath}");
        return 0;
    }

    private static string Format(AppendResultRow r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.Backend,-9} {r.BlockSize / 1024,3} KiB x{r.Concurrency,-2} {r.Layout,-15} {r.AppendsPerSecond,9:0} appends/s {r.MegabytesPerSecond,8:0.0} MB/s p50 {r.P50Ms,7:0.00} ms p99 {r.P99Ms,7:0.00} ms");
}
