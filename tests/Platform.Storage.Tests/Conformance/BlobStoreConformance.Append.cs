namespace Platform.Storage.Tests.Conformance;

public abstract partial class BlobStoreConformance
{
    [Fact]
    public async Task Appends_LandAtTheReportedOffsets_InOrder()
    {
        var path = new BlobPath(await NewContainerAsync(), "logs/segment-0");
        await Store.CreateAppendBlobAsync(path, new PutBlobOptions { Metadata = new Dictionary<string, string> { ["shard"] = "0" } });

        var first = await Store.AppendBlockAsync(path, Bytes("hello "));
        var second = await Store.AppendBlockAsync(path, Bytes("world"));

        Assert.Equal(0, first.Offset);
        Assert.Equal(6, second.Offset);
        Assert.Equal(2, second.CommittedBlockCount);
        var read = await Store.ReadAsync(path);
        Assert.Equal("hello world", Text(read.Content));
        Assert.Equal(BlobType.Append, read.Properties.BlobType);
        Assert.Equal(2, read.Properties.CommittedBlockCount);
        Assert.Null(read.Properties.AccessTier);
        Assert.Equal(second.ETag, read.Properties.ETag);
        Assert.Equal("0", read.Properties.Metadata["shard"]);
    }

    [Fact]
    public async Task SixteenConcurrentAppenders_LoseAndInterleaveNothing()
    {
        const int writers = 16;
        const int appendsEach = 20;
        var path = new BlobPath(await NewContainerAsync(), "contended");
        await Store.CreateAppendBlobAsync(path);

        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<(long Offset, byte[] Block)>();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < appendsEach; i++)
            {
                // Distinct sizes and contents make any interleaving or overlap visible.
                var block = new byte[100 + (w * 37) + (i * 11)];
                Array.Fill(block, (byte)((w * appendsEach) + i));
                var result = await Store.AppendBlockAsync(path, block);
                acknowledged.Add((result.Offset, block));
            }
        })));

        var content = (await Store.ReadAsync(path)).Content;
        Assert.Equal(writers * appendsEach, acknowledged.Count);
        Assert.Equal(acknowledged.Sum(a => (long)a.Block.Length), content.Length);
        var expectedEnd = 0L;
        foreach (var (offset, block) in acknowledged.OrderBy(a => a.Offset))
        {
            Assert.Equal(expectedEnd, offset);
            Assert.True(content.Span.Slice((int)offset, block.Length).SequenceEqual(block), $"block at {offset} was not read back whole");
            expectedEnd = offset + block.Length;
        }

        Assert.Equal(writers * appendsEach, (await Store.GetPropertiesAsync(path)).CommittedBlockCount);
    }

    [Fact]
    public async Task AppendPositionCondition_AcceptsTheCurrentLength_AndRejectsAnyOther()
    {
        var path = new BlobPath(await NewContainerAsync(), "positioned");
        await Store.CreateAppendBlobAsync(path);
        await Store.AppendBlockAsync(path, Bytes("abc"), new AppendConditions { AppendPosition = 0 });

        var stale = await Assert.ThrowsAsync<BlobPreconditionFailedException>(() =>
            Store.AppendBlockAsync(path, Bytes("def"), new AppendConditions { AppendPosition = 0 }));
        Assert.Equal(BlobErrorCodes.AppendPositionConditionNotMet, stale.ErrorCode);

        var ok = await Store.AppendBlockAsync(path, Bytes("def"), new AppendConditions { AppendPosition = 3 });
        Assert.Equal(3, ok.Offset);
        Assert.Equal("abcdef", Text((await Store.ReadAsync(path)).Content));
    }

    [Fact]
    public async Task MaxSizeCondition_RejectsAnAppendThatWouldGrowTheBlobPastTheLimit()
    {
        var path = new BlobPath(await NewContainerAsync(), "bounded");
        await Store.CreateAppendBlobAsync(path);
        await Store.AppendBlockAsync(path, new byte[8], new AppendConditions { MaxSize = 10 });

        var error = await Assert.ThrowsAsync<BlobPreconditionFailedException>(() =>
            Store.AppendBlockAsync(path, new byte[3], new AppendConditions { MaxSize = 10 }));
        Assert.Equal(BlobErrorCodes.MaxBlobSizeConditionNotMet, error.ErrorCode);

        await Store.AppendBlockAsync(path, new byte[2], new AppendConditions { MaxSize = 10 });
        Assert.Equal(10, (await Store.GetPropertiesAsync(path)).Length);
    }

    [Fact]
    public async Task SealedAppendBlob_RefusesAppends_ButStaysReadable()
    {
        var path = new BlobPath(await NewContainerAsync(), "sealed");
        await Store.CreateAppendBlobAsync(path);
        await Store.AppendBlockAsync(path, Bytes("final"));

        await SealAsync(path);

        var error = await Assert.ThrowsAsync<BlobConflictException>(() => Store.AppendBlockAsync(path, Bytes("late")));
        Assert.Equal(BlobErrorCodes.BlobIsSealed, error.ErrorCode);
        var read = await Store.ReadAsync(path);
        Assert.True(read.Properties.IsSealed);
        Assert.Equal("final", Text(read.Content));
    }

    [Fact]
    public async Task Appending_ToABlockBlob_FailsWithInvalidBlobType()
    {
        var path = new BlobPath(await NewContainerAsync(), "block");
        await Store.PutBlockBlobAsync(path, Bytes("x"));
        var error = await Assert.ThrowsAsync<BlobConflictException>(() => Store.AppendBlockAsync(path, Bytes("y")));
        Assert.Equal(BlobErrorCodes.InvalidBlobType, error.ErrorCode);
    }

    [Fact]
    public async Task AppendBlocks_MustHoldOneByteToFourMebibytes()
    {
        var path = new BlobPath(await NewContainerAsync(), "limits");
        await Store.CreateAppendBlobAsync(path);

        var tooBig = await Assert.ThrowsAsync<BlobStorageException>(() => Store.AppendBlockAsync(path, new byte[BlobLimits.MaxAppendBlockBytes + 1]));
        Assert.Equal(BlobErrorCodes.RequestEntityTooLarge, tooBig.ErrorCode);
        var empty = await Assert.ThrowsAsync<BlobStorageException>(() => Store.AppendBlockAsync(path, ReadOnlyMemory<byte>.Empty));
        Assert.Equal(400, (int)empty.Status);

        var max = await Store.AppendBlockAsync(path, new byte[BlobLimits.MaxAppendBlockBytes]);
        Assert.Equal(0, max.Offset);
    }

    [Fact]
    public async Task Appending_ToAMissingBlob_FailsWithBlobNotFound()
    {
        var container = await NewContainerAsync();
        var error = await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.AppendBlockAsync(new BlobPath(container, "absent"), Bytes("x")));
        Assert.Equal(BlobErrorCodes.BlobNotFound, error.ErrorCode);
    }

    /// <summary>Seals through the store under test; a backend whose test server cannot seal this way overrides it.</summary>
    protected virtual Task SealAsync(BlobPath path) => Store.SealAppendBlobAsync(path);
}
