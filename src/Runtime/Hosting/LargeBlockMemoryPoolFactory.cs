using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace Platform.Runtime.Hosting;

/// <summary>
/// Gives Kestrel (which asks the service container for an <see cref="IMemoryPoolFactory{T}"/> when it starts its
/// transport and its HTTP layer) pools of <see cref="LargeBlockMemoryPool.BlockSize"/> blocks, all drawing on one
/// <see cref="BlockBank"/> that is trimmed every <see cref="TrimInterval"/>.
/// </summary>
public sealed class LargeBlockMemoryPoolFactory : IMemoryPoolFactory<byte>, IDisposable
{
    /// <summary>How often blocks that stayed free are let go (Kestrel's own pool evicts on a 10 s cycle too).</summary>
    public static readonly TimeSpan TrimInterval = TimeSpan.FromSeconds(10);

    private readonly ITimer _trim;

    /// <param name="time">Drives the trim timer.</param>
    public LargeBlockMemoryPoolFactory(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _trim = time.CreateTimer(static bank => ((BlockBank)bank!).Trim(), Bank, TrimInterval, TrimInterval);
    }

    /// <summary>The free blocks of every pool this factory made.</summary>
    public BlockBank Bank { get; } = new(LargeBlockMemoryPool.BlockSize);

    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new LargeBlockMemoryPool(Bank);

    public void Dispose() => _trim.Dispose();
}
