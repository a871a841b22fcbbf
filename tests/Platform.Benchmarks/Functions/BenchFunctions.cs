using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using Platform.Runtime.Functions;
using Platform.Triggers;

namespace Platform.Benchmarks.Functions;

/// <summary>What the benchmark functions saw: records delivered and, for latency runs, put-to-invoke times.</summary>
public sealed class BenchSink
{
    private long _delivered;
    private long _invocations;

    public long Delivered => Interlocked.Read(ref _delivered);

    public long Invocations => Interlocked.Read(ref _invocations);

    /// <summary>Put-to-invoke times in <see cref="Stopwatch"/> ticks.</summary>
    public ConcurrentQueue<long> Latencies { get; } = new();

    public void Add(int records)
    {
        Interlocked.Add(ref _delivered, records);
        Interlocked.Increment(ref _invocations);
    }
}

/// <summary>A no-op function taking batches of up to 10,000 records (Lambda's largest batch for Kinesis).</summary>
public sealed class NoOpLargeBatches(BenchSink sink)
{
    [Function("NoOp10000")]
    public void Run([StreamTrigger("%Bench:Stream%", BatchSize = 10_000)] IReadOnlyList<StreamRecord> records) => sink.Add(records.Count);
}

/// <summary>A no-op function with Lambda's default batch size of 100.</summary>
public sealed class NoOpDefaultBatches(BenchSink sink)
{
    [Function("NoOp100")]
    public void Run([StreamTrigger("%Bench:Stream%", BatchSize = 100)] IReadOnlyList<StreamRecord> records) => sink.Add(records.Count);
}

/// <summary>Records the time from put (a <see cref="Stopwatch"/> timestamp in the first 8 bytes) to invocation, in this process.</summary>
public sealed class PutToInvoke(BenchSink sink)
{
    [Function("PutToInvoke")]
    public void Run([StreamTrigger("%Bench:Stream%", MaximumBatchingWindowInSeconds = 0)] IReadOnlyList<StreamRecord> records)
    {
        var now = Stopwatch.GetTimestamp();
        foreach (var record in records)
        {
            sink.Latencies.Enqueue(now - BinaryPrimitives.ReadInt64LittleEndian(record.Data.Span));
        }

        sink.Add(records.Count);
    }
}
