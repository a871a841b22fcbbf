using System.Globalization;
using Platform.Storage;
using Platform.Storage.Embedded;
using Platform.TestWorker;

// A separate process that writes to an embedded data folder, for tests that need real process
// boundaries: several writers sharing one folder, and writers killed with SIGKILL mid-append.
// Usage: Platform.TestWorker append --data DIR --container C --blob B --worker N [--count M] [--min-size S] [--max-size S]
// Prints "ACK <worker> <sequence> <offset> <length>" after each append is acknowledged (durable), then "DONE".
// Usage: Platform.TestWorker claim --data DIR --container C --blob B --worker N --go FILE
// Waits until FILE exists, then tries to create the blob with If-None-Match: *; prints "WON" or "LOST".
if (args.Length == 0 || args[0] is not ("append" or "claim"))
{
    await Console.Error.WriteLineAsync("usage: append|claim --data DIR --container C --blob B --worker N [--count M] [--min-size S] [--max-size S] [--go FILE]");
    return 2;
}

var options = Args.Parse(args.AsSpan(1));
using var store = EmbeddedBlobStore.Open(new EmbeddedBlobStoreOptions { DataPath = options["data"] });
var path = new BlobPath(options["container"], options["blob"]);
var worker = int.Parse(options["worker"], CultureInfo.InvariantCulture);
if (args[0] == "claim")
{
    await Console.Out.WriteLineAsync("READY");
    await Console.Out.FlushAsync();
    while (!File.Exists(options["go"]))
    {
        await Task.Delay(1);
    }

    try
    {
        await store.PutBlockBlobAsync(path, System.Text.Encoding.UTF8.GetBytes($"owner-{worker}"), new PutBlobOptions { Conditions = BlobConditions.IfAbsent });
        await Console.Out.WriteLineAsync("WON");
    }
    catch (BlobConflictException e) when (e.ErrorCode == BlobErrorCodes.BlobAlreadyExists)
    {
        await Console.Out.WriteLineAsync("LOST");
    }

    await Console.Out.FlushAsync();
    return 0;
}

var count = options.TryGetValue("count", out var c) ? int.Parse(c, CultureInfo.InvariantCulture) : int.MaxValue;
var minSize = options.TryGetValue("min-size", out var min) ? int.Parse(min, CultureInfo.InvariantCulture) : 64;
var maxSize = options.TryGetValue("max-size", out var max) ? int.Parse(max, CultureInfo.InvariantCulture) : 4096;
var random = new Random(worker);
var stdout = Console.Out;

for (var sequence = 0; sequence < count; sequence++)
{
    var record = TestRecord.Create(worker, sequence, random.Next(minSize, maxSize + 1));
    var result = await store.AppendBlockAsync(path, record);
    await stdout.WriteLineAsync($"ACK {worker} {sequence} {result.Offset} {record.Length}");
    await stdout.FlushAsync();
}

await stdout.WriteLineAsync("DONE");
await stdout.FlushAsync();
return 0;
