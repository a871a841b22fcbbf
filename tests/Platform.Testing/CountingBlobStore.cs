using System.Collections.Concurrent;
using System.Reflection;
using Platform.Storage;

namespace Platform.Testing;

/// <summary>
/// Counts the calls made on an <see cref="IBlobStore"/> by container (each call is one storage request on Azure Blob
/// Storage), and the bytes reads ask for (a range's length, or the buffer a read into one fills), so a test can assert what idle triggers or a read cost in storage.
/// </summary>
public class CountingBlobStore : DispatchProxy
{
    private IBlobStore _inner = null!;

    private long _rangeBytesRequested;

    public ConcurrentDictionary<(string Container, string Operation), long> Calls { get; } = new();

    /// <summary>The bytes that ranged reads asked for so far (a read of a whole blob is not counted).</summary>
    public long RangeBytesRequested => Interlocked.Read(ref _rangeBytesRequested);

    public static (IBlobStore Store, CountingBlobStore Counter) Wrap(IBlobStore inner)
    {
        var store = Create<IBlobStore, CountingBlobStore>();
        var counter = (CountingBlobStore)(object)store;
        counter._inner = inner;
        return (store, counter);
    }

    /// <summary>Calls on <paramref name="container"/> so far.</summary>
    public long CallsOn(string container) => Calls.Where(c => c.Key.Container == container).Sum(c => c.Value);

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        var container = args is { Length: > 0 } ? args[0] switch { BlobPath path => path.Container, string name => name, _ => "" } : "";
        Calls.AddOrUpdate((container, targetMethod!.Name), 1, static (_, n) => n + 1);
        if (targetMethod.Name == nameof(IBlobStore.ReadAsync) && args is [_, BlobRange { Length: { } length }, ..])
        {
            Interlocked.Add(ref _rangeBytesRequested, length);
        }
        else if (targetMethod.Name == nameof(IBlobStore.ReadIntoAsync) && args is [_, _, Memory<byte> destination, ..])
        {
            Interlocked.Add(ref _rangeBytesRequested, destination.Length);
        }

        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }
}
