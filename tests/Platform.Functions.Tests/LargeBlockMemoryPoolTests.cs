using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Platform.Runtime.Hosting;

namespace Platform.Functions.Tests;

/// <summary>Kestrel's 64 KiB block pool: what it hands out, what it keeps, and that the host gives it to Kestrel.</summary>
public sealed class LargeBlockMemoryPoolTests
{
    [Fact]
    public void A_rented_block_is_a_whole_64_KiB_whatever_the_hint()
    {
        using var pool = new LargeBlockMemoryPool();

        using var small = pool.Rent(1);
        using var unspecified = pool.Rent();

        Assert.Equal(LargeBlockMemoryPool.BlockSize, small.Memory.Length);
        Assert.Equal(LargeBlockMemoryPool.BlockSize, unspecified.Memory.Length);
        Assert.Equal(LargeBlockMemoryPool.BlockSize, pool.MaxBufferSize);
    }

    [Fact]
    public void Asking_for_more_than_a_block_is_refused()
    {
        using var pool = new LargeBlockMemoryPool();

        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(LargeBlockMemoryPool.BlockSize + 1));
    }

    [Fact]
    public void A_returned_block_is_reused_and_returning_it_twice_keeps_it_once()
    {
        using var pool = new LargeBlockMemoryPool();
        var first = pool.Rent();
        var block = first.Memory;

        first.Dispose();
        first.Dispose();
        using var second = pool.Rent();

        Assert.Equal(0, pool.RetainedBlocks);
        Assert.True(second.Memory.Span == block.Span, "the free block should be handed out again");
        Assert.Throws<ObjectDisposedException>(() => first.Memory);
    }

    [Fact]
    public void At_most_the_retention_limit_of_free_blocks_is_kept()
    {
        using var pool = new LargeBlockMemoryPool();
        var leases = Enumerable.Range(0, LargeBlockMemoryPool.MaxRetainedBlocks + 10).Select(_ => pool.Rent()).ToList();

        leases.ForEach(l => l.Dispose());

        Assert.Equal(LargeBlockMemoryPool.MaxRetainedBlocks, pool.RetainedBlocks);
    }

    [Fact]
    public void The_host_gives_Kestrel_the_large_block_pool()
    {
        var builder = PlatformApplication.CreateBuilder(["--urls", "http://127.0.0.1:0"]);

        using var services = builder.Services.BuildServiceProvider();

        Assert.IsType<LargeBlockMemoryPoolFactory>(services.GetRequiredService<IMemoryPoolFactory<byte>>());
    }
}
