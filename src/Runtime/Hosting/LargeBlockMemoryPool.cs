using System.Buffers;

namespace Platform.Runtime.Hosting;

/// <summary>
/// Kestrel's buffer pool with blocks of <see cref="BlockSize"/> instead of its default 4 KiB, so that one socket
/// receive can take up to that much of a request body. Every pool the factory makes draws on one
/// <see cref="BlockBank"/>, so the free blocks kept are bounded per process, not per pool.
/// </summary>
/// <remarks>
/// Kestrel receives into one pool block per <c>recv</c> call. With 4 KiB blocks a 700 KB <c>PutRecords</c> body took
/// about 350 receive calls (the kernel hands over what has arrived, often less than a block), and system calls are
/// the dearest thing on a virtual machine: the host spent more time entering the kernel than parsing records.
/// Idle connections hold no block (Kestrel waits for data before it rents one); a request or response being
/// transferred holds at least one, so the block size is a trade between system calls and memory per active stream.
/// </remarks>
public sealed class LargeBlockMemoryPool : MemoryPool<byte>
{
    /// <summary>Bytes per block: 32 KiB takes a PutRecords body in a few dozen reads and costs an active HTTP/2 stream 8× Kestrel's default.</summary>
    public const int BlockSize = 32 * 1024;

    private readonly BlockBank _bank;
    private volatile bool _disposed;

    /// <param name="bank">Where free blocks are kept; shared by every pool of the process.</param>
    public LargeBlockMemoryPool(BlockBank bank) => _bank = bank;

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new Lease(_bank, _bank.Take());
    }

    // Blocks belong to the bank, which outlives the pools; leases still out return to it.
    protected override void Dispose(bool disposing) => _disposed = true;

    private sealed class Lease(BlockBank bank, byte[] block) : IMemoryOwner<byte>
    {
        private byte[]? _block = block;

        public Memory<byte> Memory => _block ?? throw new ObjectDisposedException(nameof(LargeBlockMemoryPool));

        public void Dispose()
        {
            var returned = Interlocked.Exchange(ref _block, null);
            if (returned is not null)
            {
                bank.Give(returned);
            }
        }
    }
}
