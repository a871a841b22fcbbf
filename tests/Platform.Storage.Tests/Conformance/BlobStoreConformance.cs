using System.Text;

namespace Platform.Storage.Tests.Conformance;

/// <summary>
/// Behaviour every <see cref="IBlobStore"/> must have. Each backend runs this same suite; every test
/// works in a container of its own, so tests run in parallel.
/// </summary>
public abstract partial class BlobStoreConformance : IAsyncLifetime
{
    private readonly List<string> _containers = [];

    protected abstract IBlobStore Store { get; }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var container in _containers)
        {
            await Store.DeleteContainerIfExistsAsync(container);
        }
    }

    protected async Task<string> NewContainerAsync()
    {
        var name = "t" + Guid.NewGuid().ToString("N")[..20];
        Assert.True(await Store.CreateContainerIfNotExistsAsync(name));
        _containers.Add(name);
        return name;
    }

    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    protected static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    [Fact]
    public async Task CreateContainer_ReturnsTrueTheFirstTime_AndFalseWhenItExists()
    {
        var name = "c" + Guid.NewGuid().ToString("N")[..20];
        _containers.Add(name);
        Assert.True(await Store.CreateContainerIfNotExistsAsync(name));
        Assert.False(await Store.CreateContainerIfNotExistsAsync(name));
    }

    [Fact]
    public async Task DeleteContainer_RemovesItsBlobs_AndReportsWhetherItExisted()
    {
        var container = await NewContainerAsync();
        await Store.PutBlockBlobAsync(new BlobPath(container, "a/b"), Bytes("x"));
        Assert.True(await Store.DeleteContainerIfExistsAsync(container));
        Assert.False(await Store.DeleteContainerIfExistsAsync(container));
        var error = await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.ReadAsync(new BlobPath(container, "a/b")));
        Assert.Equal(BlobErrorCodes.ContainerNotFound, error.ErrorCode);
    }

    [Fact]
    public async Task Writing_IntoAMissingContainer_FailsWithContainerNotFound()
    {
        var error = await Assert.ThrowsAsync<BlobNotFoundException>(() =>
            Store.PutBlockBlobAsync(new BlobPath("missing" + Guid.NewGuid().ToString("N")[..10], "x"), Bytes("x")));
        Assert.Equal(BlobErrorCodes.ContainerNotFound, error.ErrorCode);
    }

    [Fact]
    public async Task PutBlockBlob_ThenRead_ReturnsTheContentAndItsProperties()
    {
        var path = new BlobPath(await NewContainerAsync(), "folder/sub/item.json");
        var metadata = new Dictionary<string, string> { ["owner"] = "tests", ["Kind"] = "sample" };
        var put = await Store.PutBlockBlobAsync(path, Bytes("{\"a\":1}"), new PutBlobOptions { ContentType = "application/json", Metadata = metadata });

        var read = await Store.ReadAsync(path);

        Assert.Equal("{\"a\":1}", Text(read.Content));
        Assert.Equal(0, read.Offset);
        var p = read.Properties;
        Assert.Equal(put.ETag, p.ETag);
        Assert.Equal(7, p.Length);
        Assert.Equal(BlobType.Block, p.BlobType);
        Assert.Equal("application/json", p.ContentType);
        Assert.Equal("tests", p.Metadata["owner"]);
        Assert.Equal("sample", p.Metadata["kind"]);
        Assert.Equal(AccessTier.Hot, p.AccessTier);
        Assert.Equal(LeaseState.Available, p.LeaseState);
        Assert.False(p.IsSealed);
        Assert.True(p.LastModified > DateTimeOffset.UtcNow.AddMinutes(-5));
    }

    [Fact]
    public async Task PutBlockBlob_ReplacesContent_AndChangesTheETag()
    {
        var path = new BlobPath(await NewContainerAsync(), "doc");
        var first = await Store.PutBlockBlobAsync(path, Bytes("one"));
        var second = await Store.PutBlockBlobAsync(path, Bytes("second"));
        Assert.NotEqual(first.ETag, second.ETag);
        Assert.Equal("second", Text((await Store.ReadAsync(path)).Content));
    }

    [Fact]
    public async Task EmptyBlob_ReadsAsEmpty()
    {
        var path = new BlobPath(await NewContainerAsync(), "empty");
        await Store.PutBlockBlobAsync(path, ReadOnlyMemory<byte>.Empty);
        var read = await Store.ReadAsync(path);
        Assert.Equal(0, read.Content.Length);
        Assert.Equal(0, read.Properties.Length);
    }

    [Fact]
    public async Task RangedRead_ReturnsExactlyTheRequestedBytes()
    {
        var path = new BlobPath(await NewContainerAsync(), "range");
        await Store.PutBlockBlobAsync(path, Bytes("0123456789"));

        Assert.Equal("345", Text((await Store.ReadAsync(path, new BlobRange(3, 3))).Content));
        var tail = await Store.ReadAsync(path, BlobRange.From(7));
        Assert.Equal("789", Text(tail.Content));
        Assert.Equal(7, tail.Offset);
        Assert.Equal(10, tail.Properties.Length);
        Assert.Equal("89", Text((await Store.ReadAsync(path, new BlobRange(8, 100))).Content));
    }

    [Fact]
    public async Task RangedRead_StartingAtOrPastTheEnd_FailsWithInvalidRange()
    {
        var path = new BlobPath(await NewContainerAsync(), "short");
        await Store.PutBlockBlobAsync(path, Bytes("abc"));
        var error = await Assert.ThrowsAsync<BlobStorageException>(() => Store.ReadAsync(path, BlobRange.From(3)));
        Assert.Equal(BlobErrorCodes.InvalidRange, error.ErrorCode);
        Assert.Equal(416, (int)error.Status);
    }

    [Fact]
    public async Task ReadInto_FillsTheCallersBuffer_WithTheBytesThatExist_AndLeavesTheRestAlone()
    {
        var path = new BlobPath(await NewContainerAsync(), "into");
        var put = await Store.PutBlockBlobAsync(path, Bytes("0123456789"));
        var buffer = Enumerable.Repeat((byte)'#', 16).ToArray();

        var middle = await Store.ReadIntoAsync(path, 3, buffer.AsMemory(0, 3));
        Assert.Equal("345", Text(middle.Content));
        Assert.Equal("345#############", Encoding.UTF8.GetString(buffer));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(middle.Content, out var segment) && segment.Array == buffer, "the content is the caller's buffer, not a copy");

        var tail = await Store.ReadIntoAsync(path, 6, buffer.AsMemory(4));
        Assert.Equal("6789", Text(tail.Content));
        Assert.Equal(6, tail.Offset);
        Assert.Equal(10, tail.Properties.Length);
        Assert.Equal(put.ETag, tail.Properties.ETag);
        Assert.Equal("345#6789########", Encoding.UTF8.GetString(buffer));
    }

    [Fact]
    public async Task ReadInto_AtOrPastTheEnd_FailsWithInvalidRange_AndAMissingBlobWithBlobNotFound()
    {
        var container = await NewContainerAsync();
        var path = new BlobPath(container, "short");
        await Store.PutBlockBlobAsync(path, Bytes("abc"));
        var buffer = new byte[8];

        var error = await Assert.ThrowsAsync<BlobStorageException>(() => Store.ReadIntoAsync(path, 3, buffer));
        Assert.Equal(BlobErrorCodes.InvalidRange, error.ErrorCode);
        Assert.Equal(416, (int)error.Status);
        await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.ReadIntoAsync(new BlobPath(container, "nope"), 0, buffer));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ReadIntoAsync(path, 0, Memory<byte>.Empty));
    }

    [Fact]
    public async Task ReadingAMissingBlob_FailsWithBlobNotFound()
    {
        var container = await NewContainerAsync();
        var error = await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.ReadAsync(new BlobPath(container, "nope")));
        Assert.Equal(BlobErrorCodes.BlobNotFound, error.ErrorCode);
        var properties = await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.GetPropertiesAsync(new BlobPath(container, "nope")));
        Assert.Equal(BlobErrorCodes.BlobNotFound, properties.ErrorCode);
    }

    [Fact]
    public async Task SetAccessTier_MovesABlockBlobBetweenHotCoolAndCold()
    {
        var path = new BlobPath(await NewContainerAsync(), "tiered");
        await Store.PutBlockBlobAsync(path, Bytes("data"), new PutBlobOptions { AccessTier = AccessTier.Cool });
        Assert.Equal(AccessTier.Cool, (await Store.GetPropertiesAsync(path)).AccessTier);

        await Store.SetAccessTierAsync(path, AccessTier.Cold);
        Assert.Equal(AccessTier.Cold, (await Store.GetPropertiesAsync(path)).AccessTier);
        await Store.SetAccessTierAsync(path, AccessTier.Hot);
        Assert.Equal(AccessTier.Hot, (await Store.GetPropertiesAsync(path)).AccessTier);
        Assert.Equal("data", Text((await Store.ReadAsync(path)).Content));
    }

    [Fact]
    public async Task SetAccessTier_OnAnAppendBlob_IsRejected()
    {
        var path = new BlobPath(await NewContainerAsync(), "log");
        await Store.CreateAppendBlobAsync(path);
        var error = await Assert.ThrowsAsync<BlobStorageException>(() => Store.SetAccessTierAsync(path, AccessTier.Cool));
        Assert.Equal(BlobErrorCodes.AccessTierNotSupportedForBlobType, error.ErrorCode);
    }

    [Fact]
    public async Task DeleteBlob_ReportsWhetherItExisted()
    {
        var path = new BlobPath(await NewContainerAsync(), "a/b/c");
        await Store.PutBlockBlobAsync(path, Bytes("x"));
        Assert.True(await Store.DeleteBlobIfExistsAsync(path));
        Assert.False(await Store.DeleteBlobIfExistsAsync(path));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.GetPropertiesAsync(path));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/../../etc/passwd")]
    [InlineData("/absolute")]
    [InlineData("a/./b")]
    [InlineData("nul\0byte")]
    [InlineData("back\\slash")]
    [InlineData("a//b")]
    [InlineData("")]
    public async Task BlobNames_ThatEscapeTheirFolderOrBreakTheRules_AreRejectedBeforeAnyIo(string name)
    {
        var container = await NewContainerAsync();
        var error = await Assert.ThrowsAsync<BlobNameException>(() => Store.PutBlockBlobAsync(new BlobPath(container, name), Bytes("x")));
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.Empty((await Store.ListBlobsAsync(container)).Items);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("UPPER")]
    [InlineData("has_underscore")]
    [InlineData("double--dash")]
    [InlineData("-leading")]
    [InlineData("../x")]
    public async Task ContainerNames_ThatBreakAzureRules_AreRejected(string name)
    {
        await Assert.ThrowsAsync<BlobNameException>(() => Store.CreateContainerIfNotExistsAsync(name));
    }

    [Fact]
    public async Task ConcurrentPutsAndDeletes_InSharedFolders_NeverFailWithRawErrors()
    {
        var container = await NewContainerAsync();
        var names = Enumerable.Range(0, 8).Select(i => $"r/s{i % 2}/t{i}/leaf").ToArray();
        // Each delete empties and removes folders that the other writers' puts are about to use.
        var rounds = await Task.WhenAll(names.Select(name => Task.Run(async () =>
        {
            var path = new BlobPath(container, name);
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(1.5);
            var round = 0;
            for (; DateTime.UtcNow < until; round++)
            {
                await Store.PutBlockBlobAsync(path, Bytes($"{name}-{round}"));
                Assert.True(await Store.DeleteBlobIfExistsAsync(path));
            }

            await Store.PutBlockBlobAsync(path, Bytes($"{name}-final"));
            return round;
        })));

        Assert.All(rounds, r => Assert.True(r > 0));
        var listed = (await Store.ListBlobsAsync(container)).Items.Select(i => i.Name);
        Assert.Equal(names.Order(StringComparer.Ordinal), listed);
        Assert.Equal("r/s1/t3/leaf-final", Text((await Store.ReadAsync(new BlobPath(container, "r/s1/t3/leaf"))).Content));
    }

    [Fact]
    public async Task NamesWithSpacesSymbolsAndUnicode_RoundTripThroughPutListAndRead()
    {
        var container = await NewContainerAsync();
        string[] names = ["   ", "a b/c d", "plus+sign", "percent%20encoded", "hash#tag", "question?mark", "amp&eq=", "ünïcödé/😀", "quote'semi;colon"];
        foreach (var name in names)
        {
            await Store.PutBlockBlobAsync(new BlobPath(container, name), Bytes(name));
        }

        var listed = (await Store.ListBlobsAsync(container)).Items.Select(i => i.Name).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), listed);
        foreach (var name in names)
        {
            Assert.Equal(name, Text((await Store.ReadAsync(new BlobPath(container, name))).Content));
        }
    }

    [Fact]
    public async Task ContentType_DefaultsToOctetStream_AndMustBePrintableAscii()
    {
        var container = await NewContainerAsync();
        await Store.PutBlockBlobAsync(new BlobPath(container, "plain"), Bytes("x"));
        Assert.Equal("application/octet-stream", (await Store.GetPropertiesAsync(new BlobPath(container, "plain"))).ContentType);

        var error = await Assert.ThrowsAsync<BlobStorageException>(() =>
            Store.PutBlockBlobAsync(new BlobPath(container, "bad"), Bytes("x"), new PutBlobOptions { ContentType = "text/plain\r\nx-evil: 1" }));
        Assert.Equal(BlobErrorCodes.InvalidHeaderValue, error.ErrorCode);
        Assert.Empty((await Store.ListBlobsAsync(container, "bad")).Items);
    }

    [Fact]
    public async Task AppendBlobs_CannotBeCreatedWithATier()
    {
        var container = await NewContainerAsync();
        var error = await Assert.ThrowsAsync<BlobStorageException>(() =>
            Store.CreateAppendBlobAsync(new BlobPath(container, "log"), new PutBlobOptions { AccessTier = AccessTier.Cool }));
        Assert.Equal(BlobErrorCodes.AccessTierNotSupportedForBlobType, error.ErrorCode);
    }
}
