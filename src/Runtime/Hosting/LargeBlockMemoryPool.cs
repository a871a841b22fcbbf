using System.Buffers;
using System.Collections.Concurrent;

namespace Platform.Runtime.Hosting;

/// <summary>
/// Kestrel's buffer pool with blocks of <see cref="BlockSize"/> instead of its default 4 KiB, so that one socket
/// receive can take up to that much of a request body.
/// </summary>
/// <remarks>
/// Kestrel receives into one pool block per <c>recv</c> call. With 4 KiB blocks a 700 KB <c>PutRecords</c> body took
/// about 350 receive calls (the kernel hands over what has arrived, often less than a block), and system calls are
/// the dearest thing on a virtual machine: the host spent more time entering the kernel than parsing records. With
/// 64 KiB blocks the same body takes a few dozen. Idle connections hold no block (Kestrel waits for data before it
/// rents one), so memory grows only with connections that are reading or writing at that moment; at most
/// <see cref="MaxRetainedBlocks"/> free blocks are kept, the rest go back to the garbage collector.
/// Blocks are pinned (allocated on the pinned object heap) because the socket layer pins them for every I/O anyway.
/// </remarks>
public sealed class LargeBlockMemoryPool : MemoryPool<byte>
{
    /// <summary>Bytes per block: 64 KiB, a loopback TCP segment's worth and a whole TLS record with room to spare.</summary>
    public const int BlockSize = 64 * 1024;

    /// <summary>Free blocks kept for reuse (16 MiB); returns beyond this are dropped.</summary>
    public const int MaxRetainedBlocks = 256;

    private readonly ConcurrentQueue<byte[]> _free = new();
    private int _freeCount;
    private bool _disposed;

    public override int MaxBufferSize => BlockSize;

    /// <summary>Free blocks currently kept (for tests and metrics).</summary>
    public int RetainedBlocks => Volatile.Read(ref _freeCount);

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_free.TryDequeue(out var block))
        {
            Interlocked.Decrement(ref _freeCount);
        }
        else
        {
            block = GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true);
        }

        return new Lease(this, block);
    }

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        _free.Clear();
        Volatile.Write(ref _freeCount, 0);
    }

    private void Return(byte[] block)
    {
        if (_disposed)
        {
            return;
        }

        if (Interlocked.Increment(ref _freeCount) > MaxRetainedBlocks)
        {
            Interlocked.Decrement(ref _freeCount);
            return;
        }

        _free.Enqueue(block);
    }

    private sealed class Lease(LargeBlockMemoryPool pool, byte[] block) : IMemoryOwner<byte>
    {
        private byte[]? _block = block;

        public Memory<byte> Memory => _block ?? throw new ObjectDisposedException(nameof(LargeBlockMemoryPool));

        public void Dispose()
        {
            var returned = Interlocked.Exchange(ref _block, null);
            if (returned is not null)
            {
                pool.Return(returned);
            }
        }
    }
}
