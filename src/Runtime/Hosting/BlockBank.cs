using System.Collections.Concurrent;

namespace Platform.Runtime.Hosting;

/// <summary>
/// The free blocks of every <see cref="LargeBlockMemoryPool"/> in the process: at most <see cref="MaxFreeBlocks"/>
/// are kept, and blocks that stayed free through a whole trim interval are let go, so a burst's buffers do not stay
/// pinned for the life of the process.
/// </summary>
/// <remarks>
/// Kestrel makes a pool per I/O queue and endpoint; a bound per pool would multiply with the machine's cores and the
/// host's addresses. Blocks are pinned (allocated on the pinned object heap) because the socket layer pins them for
/// every I/O anyway. Trimming is driven by the caller (<see cref="Trim"/>), which the factory does on a timer.
/// </remarks>
public sealed class BlockBank
{
    /// <summary>Free blocks kept at most (8 MiB of 32 KiB blocks).</summary>
    public const int MaxFreeBlocks = 256;

    private readonly ConcurrentQueue<byte[]> _free = new();
    private readonly int _blockSize;
    private int _freeCount;
    private int _lowWater;

    /// <param name="blockSize">Bytes per block.</param>
    public BlockBank(int blockSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        _blockSize = blockSize;
    }

    /// <summary>Free blocks currently kept.</summary>
    public int FreeBlocks => Volatile.Read(ref _freeCount);

    /// <summary>A block, reused when one is free.</summary>
    public byte[] Take()
    {
        if (!_free.TryDequeue(out var block))
        {
            Volatile.Write(ref _lowWater, 0);
            return GC.AllocateUninitializedArray<byte>(_blockSize, pinned: true);
        }

        var left = Interlocked.Decrement(ref _freeCount);
        if (left < Volatile.Read(ref _lowWater))
        {
            Volatile.Write(ref _lowWater, left);
        }

        return block;
    }

    /// <summary>Takes a block back; beyond <see cref="MaxFreeBlocks"/> it is left to the garbage collector.</summary>
    public void Give(byte[] block)
    {
        ArgumentNullException.ThrowIfNull(block);
        if (block.Length != _blockSize)
        {
            throw new ArgumentException($"The block is {block.Length} bytes; this bank keeps {_blockSize}-byte blocks.", nameof(block));
        }

        if (Interlocked.Increment(ref _freeCount) > MaxFreeBlocks)
        {
            Interlocked.Decrement(ref _freeCount);
            return;
        }

        _free.Enqueue(block);
    }

    /// <summary>
    /// Lets go of the blocks that were free all through the interval since the last trim (the fewest free blocks seen
    /// meanwhile), then starts the next interval. Returns how many were let go.
    /// </summary>
    public int Trim()
    {
        var surplus = Math.Min(Volatile.Read(ref _lowWater), Volatile.Read(ref _freeCount));
        var released = 0;
        while (released < surplus && _free.TryDequeue(out _))
        {
            Interlocked.Decrement(ref _freeCount);
            released++;
        }

        Volatile.Write(ref _lowWater, Volatile.Read(ref _freeCount));
        return released;
    }
}
