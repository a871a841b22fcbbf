using System.Collections.Concurrent;
using System.Reflection;
using Platform.Storage;

namespace Platform.Triggers.Tests;

/// <summary>
/// Counts the calls made on an <see cref="IBlobStore"/> by container (each call is one storage request on Azure Blob
/// Storage), so a test can assert what idle triggers cost.
/// </summary>
public class CountingBlobStore : DispatchProxy
{
    private IBlobStore _inner = null!;

    public ConcurrentDictionary<(string Container, string Operation), long> Calls { get; } = new();

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
