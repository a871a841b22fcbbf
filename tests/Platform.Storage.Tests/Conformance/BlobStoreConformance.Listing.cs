namespace Platform.Storage.Tests.Conformance;

public abstract partial class BlobStoreConformance
{
    [Fact]
    public async Task Listing_PagesThroughEveryBlobOnce_InNameOrder()
    {
        var container = await NewContainerAsync();
        var names = Enumerable.Range(0, 23).Select(i => $"items/{i:D3}").ToList();
        await Task.WhenAll(names.Select(n => Store.PutBlockBlobAsync(new BlobPath(container, n), Bytes(n))));

        var seen = new List<string>();
        var pages = 0;
        string? token = null;
        do
        {
            var page = await Store.ListBlobsAsync(container, "items/", token, pageSize: 10);
            Assert.True(page.Items.Count <= 10);
            seen.AddRange(page.Items.Select(i => i.Name));
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(3, pages);
        Assert.Equal(names, seen);
    }

    [Fact]
    public async Task Listing_FiltersByPrefix_AndOrdersNestedNamesLikeAzure()
    {
        var container = await NewContainerAsync();
        string[] names = ["a", "a-c", "a.b", "a/x", "a/y/z", "ab", "b/1", "streams/s1/0001", "streams/s1/0002", "streams/s2/0001"];
        foreach (var name in names.Reverse())
        {
            await Store.PutBlockBlobAsync(new BlobPath(container, name), Bytes(name));
        }

        var all = await Store.ListBlobsAsync(container);
        Assert.Equal(names, all.Items.Select(i => i.Name));
        Assert.Null(all.ContinuationToken);

        var s1 = await Store.ListBlobsAsync(container, "streams/s1/");
        Assert.Equal(["streams/s1/0001", "streams/s1/0002"], s1.Items.Select(i => i.Name));
        var partial = await Store.ListBlobsAsync(container, "a/");
        Assert.Equal(["a/x", "a/y/z"], partial.Items.Select(i => i.Name));
        var byLetter = await Store.ListBlobsAsync(container, "a");
        Assert.Equal(6, byLetter.Items.Count);
    }

    [Fact]
    public async Task Listing_ReturnsPropertiesAndMetadataOfEachBlob()
    {
        var container = await NewContainerAsync();
        var put = await Store.PutBlockBlobAsync(new BlobPath(container, "one"), Bytes("12345"),
            new PutBlobOptions { Metadata = new Dictionary<string, string> { ["k"] = "v" }, AccessTier = AccessTier.Cool });
        await Store.CreateAppendBlobAsync(new BlobPath(container, "two"));

        var items = (await Store.ListBlobsAsync(container)).Items;

        Assert.Equal(2, items.Count);
        Assert.Equal(5, items[0].Length);
        Assert.Equal(put.ETag, items[0].ETag);
        Assert.Equal("v", items[0].Metadata["k"]);
        Assert.Equal(AccessTier.Cool, items[0].AccessTier);
        Assert.Equal(BlobType.Append, items[1].BlobType);
    }

    [Fact]
    public async Task Listing_AnEmptyContainer_ReturnsNoItemsAndNoToken()
    {
        var page = await Store.ListBlobsAsync(await NewContainerAsync());
        Assert.Empty(page.Items);
        Assert.Null(page.ContinuationToken);
    }

    [Fact]
    public async Task Paging_AcrossNestedFolders_ResumesExactlyAfterTheLastNameReturned()
    {
        var container = await NewContainerAsync();
        string[] names = ["a", "a-b", "a/b", "a/b/c", "a/b/c/d", "a/b-c", "a/c", "a.b/x", "b", "b/a/a/a", "b/a/b", "c"];
        foreach (var name in names.Reverse())
        {
            await Store.PutBlockBlobAsync(new BlobPath(container, name), Bytes(name));
        }

        foreach (var pageSize in new[] { 1, 2, 5 })
        {
            var seen = new List<string>();
            string? token = null;
            do
            {
                var page = await Store.ListBlobsAsync(container, continuationToken: token, pageSize: pageSize);
                Assert.InRange(page.Items.Count, 0, pageSize); // Azure may return short pages, even empty ones, with a marker
                seen.AddRange(page.Items.Select(i => i.Name));
                token = page.ContinuationToken;
            }
            while (token is not null);

            Assert.Equal(names.Order(StringComparer.Ordinal), seen);
        }
    }
}
