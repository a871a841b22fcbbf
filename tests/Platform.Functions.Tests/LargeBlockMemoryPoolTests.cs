using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Platform.Runtime.Hosting;

namespace Platform.Functions.Tests;

/// <summary>Kestrel's large-block pools: what they hand out, what the shared bank keeps and lets go, and that the host gives them to Kestrel.</summary>
public sealed class LargeBlockMemoryPoolTests
{
    [Fact]
    public void A_rented_block_is_a_whole_block_whatever_the_hint()
    {
        using var pool = new LargeBlockMemoryPool(new BlockBank(LargeBlockMemoryPool.BlockSize));

        using var small = pool.Rent(1);
        using var unspecified = pool.Rent();

        Assert.Equal(LargeBlockMemoryPool.BlockSize, small.Memory.Length);
        Assert.Equal(LargeBlockMemoryPool.BlockSize, unspecified.Memory.Length);
        Assert.Equal(LargeBlockMemoryPool.BlockSize, pool.MaxBufferSize);
    }

    [Fact]
    public void Asking_for_more_than_a_block_is_refused()
    {
        using var pool = new LargeBlockMemoryPool(new BlockBank(LargeBlockMemoryPool.BlockSize));

        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(LargeBlockMemoryPool.BlockSize + 1));
    }

    [Fact]
    public void A_returned_block_is_reused_and_returning_it_twice_keeps_it_once()
    {
        var bank = new BlockBank(LargeBlockMemoryPool.BlockSize);
        using var pool = new LargeBlockMemoryPool(bank);
        var first = pool.Rent();
        var block = first.Memory;

        first.Dispose();
        first.Dispose();
        Assert.Equal(1, bank.FreeBlocks);
        using var second = pool.Rent();

        Assert.Equal(0, bank.FreeBlocks);
        Assert.True(second.Memory.Span == block.Span, "the free block should be handed out again");
        Assert.Throws<ObjectDisposedException>(() => first.Memory);
    }

    [Fact]
    public void Every_pool_shares_one_bank_bounded_for_the_whole_process()
    {
        using var factory = new LargeBlockMemoryPoolFactory(TimeProvider.System);
        var pools = Enumerable.Range(0, 4).Select(_ => factory.Create()).ToList();
        var leases = pools.SelectMany(p => Enumerable.Range(0, BlockBank.MaxFreeBlocks / 2).Select(_ => p.Rent())).ToList();

        leases.ForEach(l => l.Dispose());

        Assert.Equal(BlockBank.MaxFreeBlocks, factory.Bank.FreeBlocks);
        pools.ForEach(p => p.Dispose());
    }

    [Fact]
    public void Blocks_that_stay_free_through_a_trim_interval_are_let_go_and_blocks_in_use_are_not()
    {
        var bank = new BlockBank(LargeBlockMemoryPool.BlockSize);
        using var pool = new LargeBlockMemoryPool(bank);
        var burst = Enumerable.Range(0, 40).Select(_ => pool.Rent()).ToList();
        burst.ForEach(l => l.Dispose());
        Assert.Equal(40, bank.FreeBlocks);

        // The first trim starts the interval; through the next one only 10 blocks are needed at once.
        Assert.Equal(0, bank.Trim());
        var steady = Enumerable.Range(0, 10).Select(_ => pool.Rent()).ToList();
        steady.ForEach(l => l.Dispose());
        Assert.Equal(30, bank.Trim());

        Assert.Equal(10, bank.FreeBlocks);
        Assert.Equal(10, bank.Trim()); // nothing used since: all of them go
        Assert.Equal(0, bank.FreeBlocks);
    }

    [Fact]
    public void A_block_of_another_size_is_not_taken_back()
    {
        var bank = new BlockBank(LargeBlockMemoryPool.BlockSize);

        Assert.Throws<ArgumentException>(() => bank.Give(new byte[100]));
    }

    [Fact]
    public void The_host_gives_Kestrel_the_large_block_pools()
    {
        var builder = PlatformApplication.CreateBuilder(["--urls", "http://127.0.0.1:0"]);

        using var services = builder.Services.BuildServiceProvider();

        Assert.IsType<LargeBlockMemoryPoolFactory>(services.GetRequiredService<IMemoryPoolFactory<byte>>());
    }

    [Fact]
    public async Task Kestrel_receives_into_blocks_of_the_registered_factory()
    {
        // The registration PlatformApplication makes, on a bare app: Kestrel must take its pools from the container.
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>, LargeBlockMemoryPoolFactory>();
        await using var app = builder.Build();
        app.MapPost("/", async (HttpRequest request) => (await new StreamReader(request.Body).ReadToEndAsync()).Length);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var factory = (LargeBlockMemoryPoolFactory)app.Services.GetRequiredService<IMemoryPoolFactory<byte>>();

        using var client = new HttpClient();
        using var response = await client.PostAsync(address, new StringContent(new string('x', 200_000)));

        Assert.Equal("200000", await response.Content.ReadAsStringAsync());
        Assert.True(factory.Bank.FreeBlocks > 0, "Kestrel returned no block to the bank: it did not use the registered pools");
        await app.StopAsync();
    }
}
