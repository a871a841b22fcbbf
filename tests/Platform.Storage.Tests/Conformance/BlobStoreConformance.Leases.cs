namespace Platform.Storage.Tests.Conformance;

public abstract partial class BlobStoreConformance
{
    private static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task LeasedBlob_AcceptsWritesOnlyWithItsLeaseId()
    {
        var path = new BlobPath(await NewContainerAsync(), "owned");
        await Store.PutBlockBlobAsync(path, Bytes("v1"));
        var lease = await Store.AcquireLeaseAsync(path, LeaseTime);
        Assert.Equal(LeaseState.Leased, (await Store.GetPropertiesAsync(path)).LeaseState);

        var missing = await Assert.ThrowsAsync<BlobPreconditionFailedException>(() => Store.PutBlockBlobAsync(path, Bytes("intruder")));
        Assert.Equal(BlobErrorCodes.LeaseIdMissing, missing.ErrorCode);
        var wrong = await Assert.ThrowsAsync<BlobPreconditionFailedException>(() =>
            Store.PutBlockBlobAsync(path, Bytes("intruder"), new PutBlobOptions { Conditions = new BlobConditions { LeaseId = Guid.NewGuid().ToString() } }));
        Assert.Equal(BlobErrorCodes.LeaseIdMismatchWithBlobOperation, wrong.ErrorCode);
        var delete = await Assert.ThrowsAsync<BlobPreconditionFailedException>(() => Store.DeleteBlobIfExistsAsync(path));
        Assert.Equal(BlobErrorCodes.LeaseIdMissing, delete.ErrorCode);

        await Store.PutBlockBlobAsync(path, Bytes("v2"), new PutBlobOptions { Conditions = new BlobConditions { LeaseId = lease.LeaseId } });
        Assert.Equal("v2", Text((await Store.ReadAsync(path)).Content));
    }

    [Fact]
    public async Task SecondAcquirer_IsRefused_UntilTheHolderReleases()
    {
        var path = new BlobPath(await NewContainerAsync(), "partition-0");
        await Store.PutBlockBlobAsync(path, Bytes("checkpoint"));
        var first = await Store.AcquireLeaseAsync(path, LeaseTime, Guid.NewGuid().ToString());

        var refused = await Assert.ThrowsAsync<BlobConflictException>(() => Store.AcquireLeaseAsync(path, LeaseTime, Guid.NewGuid().ToString()));
        Assert.Equal(BlobErrorCodes.LeaseAlreadyPresent, refused.ErrorCode);

        var renewed = await Store.RenewLeaseAsync(path, first.LeaseId);
        Assert.Equal(first.LeaseId, renewed.LeaseId);
        await Store.ReleaseLeaseAsync(path, first.LeaseId);
        Assert.Equal(LeaseState.Available, (await Store.GetPropertiesAsync(path)).LeaseState);

        var proposed = Guid.NewGuid().ToString();
        var second = await Store.AcquireLeaseAsync(path, Timeout.InfiniteTimeSpan, proposed);
        Assert.Equal(proposed, second.LeaseId);
        await Store.ReleaseLeaseAsync(path, second.LeaseId);
    }

    [Fact]
    public async Task LeaseOperations_WithAnotherLeaseId_AreRefused()
    {
        var path = new BlobPath(await NewContainerAsync(), "leased");
        await Store.PutBlockBlobAsync(path, Bytes("x"));
        await Store.AcquireLeaseAsync(path, LeaseTime);

        var renew = await Assert.ThrowsAsync<BlobConflictException>(() => Store.RenewLeaseAsync(path, Guid.NewGuid().ToString()));
        Assert.Equal(BlobErrorCodes.LeaseIdMismatchWithLeaseOperation, renew.ErrorCode);
        var release = await Assert.ThrowsAsync<BlobConflictException>(() => Store.ReleaseLeaseAsync(path, Guid.NewGuid().ToString()));
        Assert.Equal(BlobErrorCodes.LeaseIdMismatchWithLeaseOperation, release.ErrorCode);
    }

    [Fact]
    public async Task BreakingALease_WithNoPeriod_FreesTheBlobForANewHolder()
    {
        var path = new BlobPath(await NewContainerAsync(), "stuck");
        await Store.PutBlockBlobAsync(path, Bytes("x"));
        var crashedOwner = await Store.AcquireLeaseAsync(path, Timeout.InfiniteTimeSpan);

        var remaining = await Store.BreakLeaseAsync(path, TimeSpan.Zero);

        Assert.Equal(TimeSpan.Zero, remaining);
        Assert.Equal(LeaseState.Broken, (await Store.GetPropertiesAsync(path)).LeaseState);
        var renew = await Assert.ThrowsAsync<BlobConflictException>(() => Store.RenewLeaseAsync(path, crashedOwner.LeaseId));
        Assert.Equal(BlobErrorCodes.LeaseIsBrokenAndCannotBeRenewed, renew.ErrorCode);
        var next = await Store.AcquireLeaseAsync(path, LeaseTime);
        await Store.PutBlockBlobAsync(path, Bytes("taken over"), new PutBlobOptions { Conditions = new BlobConditions { LeaseId = next.LeaseId } });
    }

    [Fact]
    public async Task BreakingALease_WithAPeriod_KeepsItBreakingMeanwhile()
    {
        var path = new BlobPath(await NewContainerAsync(), "draining");
        await Store.PutBlockBlobAsync(path, Bytes("x"));
        var holder = await Store.AcquireLeaseAsync(path, TimeSpan.FromSeconds(60));

        var remaining = await Store.BreakLeaseAsync(path, TimeSpan.FromSeconds(30));

        Assert.InRange(remaining, TimeSpan.FromSeconds(29), TimeSpan.FromSeconds(30));
        Assert.Equal(LeaseState.Breaking, (await Store.GetPropertiesAsync(path)).LeaseState);
        var other = await Assert.ThrowsAsync<BlobConflictException>(() => Store.AcquireLeaseAsync(path, LeaseTime));
        Assert.Equal(BlobErrorCodes.LeaseAlreadyPresent, other.ErrorCode);
        var same = await Assert.ThrowsAsync<BlobConflictException>(() => Store.AcquireLeaseAsync(path, LeaseTime, holder.LeaseId));
        Assert.Equal(BlobErrorCodes.LeaseIsBreakingAndCannotBeAcquired, same.ErrorCode);
        var write = await Assert.ThrowsAsync<BlobPreconditionFailedException>(() => Store.PutBlockBlobAsync(path, Bytes("y")));
        Assert.Equal(BlobErrorCodes.LeaseIdMissing, write.ErrorCode);
    }

    [Fact]
    public async Task LeaseArguments_OutsideAzureLimits_AreRejected()
    {
        var path = new BlobPath(await NewContainerAsync(), "args");
        await Store.PutBlockBlobAsync(path, Bytes("x"));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.AcquireLeaseAsync(path, TimeSpan.FromSeconds(5)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.AcquireLeaseAsync(path, TimeSpan.FromSeconds(61)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.BreakLeaseAsync(path, TimeSpan.FromSeconds(61)));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AcquireLeaseAsync(path, LeaseTime, "not-a-guid"));
    }
}
