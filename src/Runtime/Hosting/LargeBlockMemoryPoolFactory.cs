using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace Platform.Runtime.Hosting;

/// <summary>
/// Gives Kestrel (which asks the service container for an <see cref="IMemoryPoolFactory{T}"/> when it starts its
/// transport and its HTTP layer) pools of <see cref="LargeBlockMemoryPool.BlockSize"/> blocks.
/// </summary>
public sealed class LargeBlockMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new LargeBlockMemoryPool();
}
