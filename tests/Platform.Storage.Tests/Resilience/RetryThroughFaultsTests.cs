using Platform.Storage.Embedded;
using Platform.Storage.Faults;
using Platform.Storage.Resilience;
using Platform.Storage.Tests.Infrastructure;

namespace Platform.Storage.Tests.Resilience;

/// <summary>The retrying decorator over a real (embedded) store that the fault injector makes misbehave.</summary>
public sealed class RetryThroughFaultsTests : IDisposable
{
    private static readonly RetryOptions FastRetries = new() { MaxRetries = 8, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) };
    private readonly TempFolder _folder = new();
    private readonly EmbeddedBlobStore _real;

    public RetryThroughFaultsTests() => _real = EmbeddedBlobStore.Open(new EmbeddedBlobStoreOptions { DataPath = _folder.Path });

    public void Dispose()
    {
        _real.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task Operations_SucceedThroughInjectedTransientFaultsAndLatency()
    {
        var faulty = new FaultInjectingBlobStore(_real, new FaultInjectionOptions { TransientFailureRate = 0.3, LatencyRate = 0.2, MaxLatency = TimeSpan.FromMilliseconds(3), Seed = 11 });
        var store = new RetryingBlobStore(faulty, FastRetries);

        await store.CreateContainerIfNotExistsAsync("faults");
        for (var i = 0; i < 40; i++)
        {
            await store.PutBlockBlobAsync(new BlobPath("faults", $"doc-{i:D2}"), new[] { (byte)i });
        }

        var listed = new List<string>();
        string? token = null;
        do
        {
            var page = await store.ListBlobsAsync("faults", continuationToken: token, pageSize: 7);
            listed.AddRange(page.Items.Select(p => p.Name));
            token = page.ContinuationToken;
        }
        while (token is not null);

        Assert.Equal(40, listed.Count);
        Assert.True(faulty.TransientFailures > 10, $"only {faulty.TransientFailures} faults were injected");
        Assert.True(faulty.Delays > 0);
    }

    [Fact]
    public async Task ReadsIntoACallersBuffer_GoThroughTheFaultsAndRetries_AndFillIt()
    {
        var faulty = new FaultInjectingBlobStore(_real, new FaultInjectionOptions { TransientFailureRate = 0.5, Seed = 5 });
        var store = new RetryingBlobStore(faulty, FastRetries);
        await store.CreateContainerIfNotExistsAsync("into");
        var path = new BlobPath("into", "blob");
        var content = Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray();
        await store.PutBlockBlobAsync(path, content);

        var buffer = new byte[1000];
        for (var offset = 0; offset < content.Length; offset += buffer.Length)
        {
            var read = await store.ReadIntoAsync(path, offset, buffer);
            Assert.Equal(offset, read.Offset);
            Assert.True(content.AsSpan(offset, buffer.Length).SequenceEqual(read.Content.Span));
        }

        Assert.True(faulty.TransientFailures > 0, "no fault was injected, so nothing was retried");
    }

    [Fact]
    public async Task PositionedAppends_RetriedAfterLostResponses_LandExactlyOnce()
    {
        var faulty = new FaultInjectingBlobStore(_real, new FaultInjectionOptions { FailureAfterWriteRate = 0.3, TransientFailureRate = 0.1, Seed = 5 });
        var store = new RetryingBlobStore(faulty, FastRetries);
        var blob = new BlobPath("faults", "log");
        await _real.CreateContainerIfNotExistsAsync("faults");
        await _real.CreateAppendBlobAsync(blob);

        long position = 0;
        for (var i = 0; i < 50; i++)
        {
            var block = new byte[10 + i];
            Array.Fill(block, (byte)i);
            var result = await store.AppendBlockAsync(blob, block, new AppendConditions { AppendPosition = position });
            Assert.Equal(position, result.Offset);
            position += block.Length;
        }

        Assert.True(faulty.FailuresAfterWrite > 5, $"only {faulty.FailuresAfterWrite} lost responses were injected");
        var properties = await _real.GetPropertiesAsync(blob);
        Assert.Equal(position, properties.Length);
        Assert.Equal(50, properties.CommittedBlockCount);
    }

    [Fact]
    public async Task ConditionalPuts_RetriedAfterLostResponses_StillHaveExactlyOneOutcome()
    {
        var faulty = new FaultInjectingBlobStore(_real, new FaultInjectionOptions { FailureAfterWriteRate = 0.4, Seed = 21 });
        var store = new RetryingBlobStore(faulty, FastRetries);
        await _real.CreateContainerIfNotExistsAsync("claims");

        // Creates: each claim must be reported as won, though many first attempts' responses are lost.
        for (var i = 0; i < 30; i++)
        {
            await store.PutBlockBlobAsync(new BlobPath("claims", $"c{i}"), new[] { (byte)i }, new PutBlobOptions { Conditions = BlobConditions.IfAbsent });
        }

        // Updates: a chain of If-Match writes, each built on the ETag the previous one returned.
        var doc = new BlobPath("claims", "doc");
        var etag = (await _real.PutBlockBlobAsync(doc, new byte[] { 0 })).ETag;
        for (var i = 1; i <= 30; i++)
        {
            etag = (await store.PutBlockBlobAsync(doc, new[] { (byte)i }, new PutBlobOptions { Conditions = BlobConditions.Matching(etag) })).ETag;
        }

        Assert.True(faulty.FailuresAfterWrite > 10, $"only {faulty.FailuresAfterWrite} lost responses were injected");
        Assert.Equal(30, (await _real.ReadAsync(doc)).Content.Span[0]);
        Assert.Equal(etag, (await _real.GetPropertiesAsync(doc)).ETag);
    }

    [Fact]
    public async Task ARetriedClaim_IsNotMistakenForAWin_WhenSomeoneElseHoldsTheBlob()
    {
        // Half the attempts fail before reaching storage, so many claims are decided on a retry.
        var faulty = new FaultInjectingBlobStore(_real, new FaultInjectionOptions { TransientFailureRate = 0.5, Seed = 4 });
        var store = new RetryingBlobStore(faulty, FastRetries);
        await _real.CreateContainerIfNotExistsAsync("claims");

        for (var i = 0; i < 20; i++)
        {
            var blob = new BlobPath("claims", $"taken-{i}");
            await _real.PutBlockBlobAsync(blob, "other-owner"u8.ToArray());
            var error = await Assert.ThrowsAsync<BlobConflictException>(() =>
                store.PutBlockBlobAsync(blob, "me"u8.ToArray(), new PutBlobOptions { Conditions = BlobConditions.IfAbsent }));
            Assert.Equal(BlobErrorCodes.BlobAlreadyExists, error.ErrorCode);
        }

        Assert.True(faulty.TransientFailures > 5, $"only {faulty.TransientFailures} retries were forced");
    }

    [Fact]
    public async Task PersistentTransientFailures_GiveUpWithAClearError()
    {
        var faulty = new FaultInjectingBlobStore(_real, new FaultInjectionOptions { TransientFailureRate = 1.0 });
        var store = new RetryingBlobStore(faulty, FastRetries with { MaxRetries = 3 });

        var error = await Assert.ThrowsAsync<BlobStorageException>(() => store.CreateContainerIfNotExistsAsync("never"));

        Assert.Contains("Gave up after 4 attempts", error.Message, StringComparison.Ordinal);
        Assert.Equal(BlobErrorCodes.ServerBusy, error.ErrorCode);
        Assert.Equal(4, faulty.TransientFailures);
    }

    [Fact]
    public async Task PermanentErrors_AreNotRetried_AndKeepTheirErrorCode()
    {
        var faulty = new FaultInjectingBlobStore(_real, new FaultInjectionOptions());
        var calls = 0;
        var store = new RetryingBlobStore(faulty, FastRetries, random: () =>
        {
            calls++;
            return 0.5;
        });
        await store.CreateContainerIfNotExistsAsync("perm");
        var blob = new BlobPath("perm", "x");
        await store.PutBlockBlobAsync(blob, new byte[] { 1 });

        var error = await Assert.ThrowsAsync<BlobConflictException>(() =>
            store.PutBlockBlobAsync(blob, new byte[] { 2 }, new PutBlobOptions { Conditions = BlobConditions.IfAbsent }));

        Assert.Equal(BlobErrorCodes.BlobAlreadyExists, error.ErrorCode);
        Assert.Equal(0, calls);
    }

    [Fact]
    public void RetryDelays_GrowExponentially_StayCapped_AndHonourRetryAfter()
    {
        var options = new RetryOptions { BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(2) };
        Assert.Equal(TimeSpan.FromMilliseconds(100), RetryDelays.Next(options, 1, null, 1.0));
        Assert.Equal(TimeSpan.FromMilliseconds(400), RetryDelays.Next(options, 3, null, 1.0));
        Assert.Equal(TimeSpan.FromSeconds(2), RetryDelays.Next(options, 20, null, 1.0));
        Assert.Equal(TimeSpan.FromMilliseconds(200), RetryDelays.Next(options, 3, null, 0.5));
        Assert.Equal(TimeSpan.Zero, RetryDelays.Next(options, 3, null, 0.0));
        Assert.Equal(TimeSpan.FromSeconds(1), RetryDelays.Next(options, 1, TimeSpan.FromSeconds(1), 0.1));
        Assert.Equal(TimeSpan.FromSeconds(2), RetryDelays.Next(options, 1, TimeSpan.FromHours(1), 0.1));
    }
}
