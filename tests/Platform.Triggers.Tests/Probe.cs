using System.Collections.Concurrent;

namespace Platform.Triggers.Tests;

/// <summary>What test functions saw: every invocation's records, attempt and outcome, in order. Shared by DI.</summary>
public sealed class Probe
{
    private int _concurrent;
    private int _maxConcurrent;

    public ConcurrentQueue<Invocation> Invocations { get; } = new();

    /// <summary>Data of records the function accepted (its invocation returned without error).</summary>
    public ConcurrentBag<string> Accepted { get; } = [];

    public int MaxConcurrent => Volatile.Read(ref _maxConcurrent);

    /// <summary>Opened by a test to let a held function go on.</summary>
    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set by a test to change a function's behaviour mid-test.</summary>
    public bool Fail { get => Volatile.Read(ref _fail); set => Volatile.Write(ref _fail, value); }

    private bool _fail;

    public IDisposable Enter()
    {
        var now = Interlocked.Increment(ref _concurrent);
        int seen;
        while (now > (seen = Volatile.Read(ref _maxConcurrent)) && Interlocked.CompareExchange(ref _maxConcurrent, now, seen) != seen)
        {
        }

        return new Exit(this);
    }

    /// <summary>
    /// Records whose invocation has returned, per shard. Ordering checks across shards read these counters at the
    /// start of an invocation instead of comparing wall-clock stamps taken on different threads: the clock may be
    /// stepped between them, and a stamp taken when an invocation starts says nothing about when it finished.
    /// </summary>
    public ConcurrentDictionary<string, int> Returned { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// What invocations saw when they started: the shard invoked, the shard watched, how many of its records had
    /// returned (<see cref="Returned"/>) and whether its lease was stored as finished.
    /// </summary>
    public ConcurrentQueue<(string ShardId, string Watched, int ReturnedThen, bool WatchedFinished)> SeenAtStart { get; } = new();

    public void MarkReturned(string shardId, int count) => Returned.AddOrUpdate(shardId, count, (_, n) => n + count);

    public void NoteStart(string shardId, string watched, int returnedThen, bool watchedFinished) => SeenAtStart.Enqueue((shardId, watched, returnedThen, watchedFinished));

    public void Record(IReadOnlyList<StreamRecord> records, int attempt) =>
        Invocations.Enqueue(new Invocation([.. records.Select(r => r.DataAsString())], [.. records.Select(r => r.SequenceNumber)], records.Count > 0 ? records[0].ShardId : "", attempt, DateTimeOffset.UtcNow));

    public sealed record Invocation(string[] Data, string[] SequenceNumbers, string ShardId, int Attempt, DateTimeOffset At);

    private sealed class Exit(Probe probe) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref probe._concurrent);
    }
}
