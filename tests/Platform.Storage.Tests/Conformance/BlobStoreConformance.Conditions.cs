namespace Platform.Storage.Tests.Conformance;

public abstract partial class BlobStoreConformance
{
    [Fact]
    public async Task IfNoneMatchStar_RefusesToOverwriteAnExistingBlob()
    {
        var path = new BlobPath(await NewContainerAsync(), "claim");
        await Store.PutBlockBlobAsync(path, Bytes("first"), new PutBlobOptions { Conditions = BlobConditions.IfAbsent });

        var error = await Assert.ThrowsAsync<BlobConflictException>(() =>
            Store.PutBlockBlobAsync(path, Bytes("second"), new PutBlobOptions { Conditions = BlobConditions.IfAbsent }));

        Assert.Equal(BlobErrorCodes.BlobAlreadyExists, error.ErrorCode);
        Assert.Equal("first", Text((await Store.ReadAsync(path)).Content));
    }

    [Fact]
    public async Task ExactlyOneOfManyConcurrentIfNoneMatchCreators_Wins()
    {
        const int creators = 16;
        var path = new BlobPath(await NewContainerAsync(), "leader");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, creators).Select(i => Task.Run(async () =>
        {
            try
            {
                await Store.PutBlockBlobAsync(path, Bytes($"owner-{i}"), new PutBlobOptions { Conditions = BlobConditions.IfAbsent });
                return (Won: true, Owner: i);
            }
            catch (BlobStorageException e) when (e.ErrorCode is BlobErrorCodes.BlobAlreadyExists or BlobErrorCodes.ConditionNotMet)
            {
                return (Won: false, Owner: i);
            }
        })));

        var winner = Assert.Single(outcomes, o => o.Won);
        Assert.Equal($"owner-{winner.Owner}", Text((await Store.ReadAsync(path)).Content));
    }

    [Fact]
    public async Task IfMatch_WritesOnlyOverTheVersionTheWriterSaw()
    {
        var path = new BlobPath(await NewContainerAsync(), "doc");
        var v1 = await Store.PutBlockBlobAsync(path, Bytes("v1"));
        var v2 = await Store.PutBlockBlobAsync(path, Bytes("v2"), new PutBlobOptions { Conditions = BlobConditions.Matching(v1.ETag) });

        var stale = await Assert.ThrowsAsync<BlobPreconditionFailedException>(() =>
            Store.PutBlockBlobAsync(path, Bytes("v3"), new PutBlobOptions { Conditions = BlobConditions.Matching(v1.ETag) }));

        Assert.Equal(BlobErrorCodes.ConditionNotMet, stale.ErrorCode);
        Assert.Equal("v2", Text((await Store.ReadAsync(path, conditions: BlobConditions.Matching(v2.ETag))).Content));
    }

    [Fact]
    public async Task IfMatch_OnAMissingBlob_FailsAsAPreconditionAndCreatesNothing()
    {
        var path = new BlobPath(await NewContainerAsync(), "ghost");
        var error = await Assert.ThrowsAsync<BlobPreconditionFailedException>(() =>
            Store.PutBlockBlobAsync(path, Bytes("x"), new PutBlobOptions { Conditions = BlobConditions.Matching(new ETag("\"0x1\"")) }));
        Assert.Equal(BlobErrorCodes.ConditionNotMet, error.ErrorCode);
        await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.GetPropertiesAsync(path));
    }

    [Fact]
    public async Task ConcurrentConditionalUpdates_LoseNoIncrement()
    {
        const int workers = 8;
        const int incrementsEach = 5;
        var path = new BlobPath(await NewContainerAsync(), "counter");
        await Store.PutBlockBlobAsync(path, Bytes("0"));
        var conflicts = 0;

        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            for (var done = 0; done < incrementsEach;)
            {
                var current = await Store.ReadAsync(path);
                var next = int.Parse(Text(current.Content), System.Globalization.CultureInfo.InvariantCulture) + 1;
                try
                {
                    await Store.PutBlockBlobAsync(path, Bytes(next.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                        new PutBlobOptions { Conditions = BlobConditions.Matching(current.Properties.ETag) });
                    done++;
                }
                catch (BlobPreconditionFailedException)
                {
                    Interlocked.Increment(ref conflicts);
                }
            }
        })));

        Assert.Equal((workers * incrementsEach).ToString(System.Globalization.CultureInfo.InvariantCulture), Text((await Store.ReadAsync(path)).Content));
    }

    [Fact]
    public async Task SetMetadata_IsConditional_AndChangesTheETag()
    {
        var path = new BlobPath(await NewContainerAsync(), "meta");
        var created = await Store.PutBlockBlobAsync(path, Bytes("x"));

        var updated = await Store.SetMetadataAsync(path, new Dictionary<string, string> { ["checkpoint"] = "42" }, BlobConditions.Matching(created.ETag));

        Assert.NotEqual(created.ETag, updated.ETag);
        var stale = await Assert.ThrowsAsync<BlobPreconditionFailedException>(() =>
            Store.SetMetadataAsync(path, new Dictionary<string, string> { ["checkpoint"] = "41" }, BlobConditions.Matching(created.ETag)));
        Assert.Equal(BlobErrorCodes.ConditionNotMet, stale.ErrorCode);
        var properties = await Store.GetPropertiesAsync(path);
        Assert.Equal("42", properties.Metadata["checkpoint"]);
        Assert.Equal(updated.ETag, properties.ETag);
        Assert.Equal("x", Text((await Store.ReadAsync(path)).Content));
    }

    [Fact]
    public async Task MetadataNamesDifferingOnlyInCase_AreRejected()
    {
        var path = new BlobPath(await NewContainerAsync(), "meta");
        var error = await Assert.ThrowsAsync<BlobStorageException>(() =>
            Store.PutBlockBlobAsync(path, Bytes("x"), new PutBlobOptions { Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["k"] = "1", ["K"] = "2" } }));
        Assert.Equal(BlobErrorCodes.InvalidMetadata, error.ErrorCode);
    }

    [Fact]
    public async Task MetadataUpToTheEightKibLimit_IsKept_AndMoreIsRejected()
    {
        var path = new BlobPath(await NewContainerAsync(), "meta");
        var large = Enumerable.Range(0, 8).ToDictionary(i => $"key{i}", i => new string((char)('a' + i), 1000));
        await Store.PutBlockBlobAsync(path, Bytes("x"), new PutBlobOptions { Metadata = large });
        Assert.Equal(large.OrderBy(kv => kv.Key), (await Store.GetPropertiesAsync(path)).Metadata.OrderBy(kv => kv.Key));

        large["extra"] = new string('z', 200);
        var error = await Assert.ThrowsAsync<BlobStorageException>(() => Store.SetMetadataAsync(path, large));
        Assert.Equal(BlobErrorCodes.InvalidMetadata, error.ErrorCode);
    }

    [Fact]
    public async Task InvalidMetadata_IsRejectedWithAClearError()
    {
        var path = new BlobPath(await NewContainerAsync(), "meta");
        await Store.PutBlockBlobAsync(path, Bytes("x"));
        var error = await Assert.ThrowsAsync<BlobStorageException>(() => Store.SetMetadataAsync(path, new Dictionary<string, string> { ["1bad-name"] = "v" }));
        Assert.Equal(BlobErrorCodes.InvalidMetadata, error.ErrorCode);
        Assert.Contains("1bad-name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConditionalDelete_RemovesOnlyTheVersionTheCallerSaw()
    {
        var path = new BlobPath(await NewContainerAsync(), "segment");
        var v1 = await Store.PutBlockBlobAsync(path, Bytes("v1"));
        var v2 = await Store.PutBlockBlobAsync(path, Bytes("v2"));

        var stale = await Assert.ThrowsAsync<BlobPreconditionFailedException>(() => Store.DeleteBlobIfExistsAsync(path, BlobConditions.Matching(v1.ETag)));
        Assert.Equal(BlobErrorCodes.ConditionNotMet, stale.ErrorCode);
        Assert.True(await Store.DeleteBlobIfExistsAsync(path, BlobConditions.Matching(v2.ETag)));
    }

    [Fact]
    public async Task ConditionalRead_FailsWhenIfNoneMatchMatches_AndWhenIfMatchDoesNot()
    {
        var path = new BlobPath(await NewContainerAsync(), "cached");
        var put = await Store.PutBlockBlobAsync(path, Bytes("body"));

        var unchanged = await Assert.ThrowsAsync<BlobPreconditionFailedException>(() => Store.ReadAsync(path, conditions: new BlobConditions { IfNoneMatch = put.ETag }));
        Assert.Equal(BlobErrorCodes.ConditionNotMet, unchanged.ErrorCode);
        var stale = await Assert.ThrowsAsync<BlobPreconditionFailedException>(() => Store.ReadAsync(path, conditions: BlobConditions.Matching(new ETag("\"0x0\""))));
        Assert.Equal(BlobErrorCodes.ConditionNotMet, stale.ErrorCode);
        Assert.Equal("body", Text((await Store.ReadAsync(path, conditions: new BlobConditions { IfNoneMatch = new ETag("\"0x0\"") })).Content));
    }
}
