using System.Net;
using System.Text;
using Platform.Storage.Azure;
using Platform.Storage.Resilience;

namespace Platform.Storage.Tests.Azure;

/// <summary>The store's REST mapping against a scripted transport (no Azurite needed).</summary>
public sealed class AzureBlobStoreScriptedTests
{
    private const string ConnectionString =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + StorageConnectionString.DevelopmentAccountKey +
        ";BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1";

    private const string LastModified = "Mon, 01 Jan 2024 00:00:00 GMT";

    private static readonly RetryOptions FastRetries = new() { MaxRetries = 2, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) };

    private static readonly BlobPath Blob = new("box", "dir/a b/ü.txt");

    [Fact]
    public async Task Store_InvalidNamesAndArguments_AreRejectedBeforeAnyIo()
    {
        var transport = new ScriptedHandler((_, _) => throw new InvalidOperationException("no request expected"));
        using var store = NewStore(transport);

        await Assert.ThrowsAsync<BlobNameException>(() => store.CreateContainerIfNotExistsAsync("UPPER"));
        await Assert.ThrowsAsync<BlobNameException>(() => store.ReadAsync(default));
        await Assert.ThrowsAsync<BlobNameException>(() => store.ListBlobsAsync("box", "/abs"));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ListBlobsAsync("box", pageSize: 0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ReadAsync(Blob, new BlobRange(-1)));
        var metadata = await Assert.ThrowsAsync<BlobStorageException>(() => store.SetMetadataAsync(Blob, new Dictionary<string, string> { ["bad-name"] = "x" }));
        Assert.Equal(BlobErrorCodes.InvalidMetadata, metadata.ErrorCode);
        var empty = await Assert.ThrowsAsync<BlobStorageException>(() => store.AppendBlockAsync(Blob, ReadOnlyMemory<byte>.Empty));
        Assert.Equal(400, (int)empty.Status);
        var tier = await Assert.ThrowsAsync<BlobStorageException>(() => store.CreateAppendBlobAsync(Blob, new PutBlobOptions { AccessTier = AccessTier.Cool }));
        Assert.Equal(BlobErrorCodes.AccessTierNotSupportedForBlobType, tier.ErrorCode);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.AcquireLeaseAsync(Blob, TimeSpan.FromSeconds(10)));
        await Assert.ThrowsAsync<ArgumentException>(() => store.RenewLeaseAsync(Blob, "not-a-guid"));
        Assert.Empty(transport.Sent);
    }

    [Fact]
    public async Task PutBlockBlob_SendsTheBlobTypeContentTypeTierMetadataAndConditions()
    {
        var transport = new ScriptedHandler((_, _) => ScriptedHandler.Respond(HttpStatusCode.Created, null, ("ETag", "\"0x8D1\""), ("Last-Modified", LastModified)));
        using var store = NewStore(transport);

        var info = await store.PutBlockBlobAsync(Blob, Encoding.UTF8.GetBytes("hello"), new PutBlobOptions
        {
            ContentType = "text/plain",
            AccessTier = AccessTier.Cool,
            Metadata = new Dictionary<string, string> { ["Owner"] = "me" },
            Conditions = BlobConditions.IfAbsent,
        });

        Assert.Equal(new ETag("\"0x8D1\""), info.ETag);
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), info.LastModified);
        var sent = Assert.Single(transport.Sent);
        Assert.Equal(HttpMethod.Put, sent.Method);
        Assert.Equal("/devstoreaccount1/box/dir/a%20b/%C3%BC.txt", sent.Uri.AbsolutePath);
        Assert.Equal("BlockBlob", sent.Header("x-ms-blob-type"));
        Assert.Equal("text/plain", sent.Header("x-ms-blob-content-type"));
        Assert.Equal("Cool", sent.Header("x-ms-access-tier"));
        Assert.Equal("me", sent.Header("x-ms-meta-Owner"));
        Assert.Equal("*", sent.Header("If-None-Match"));
        Assert.Equal("2023-11-03", sent.Header("x-ms-version"));
        Assert.StartsWith("SharedKey devstoreaccount1:", sent.Header("Authorization"), StringComparison.Ordinal);
        Assert.Equal("hello", Encoding.UTF8.GetString(sent.Body));
    }

    [Fact]
    public async Task GetProperties_ReadsEveryPropertyFromTheHeaders()
    {
        var transport = new ScriptedHandler((_, _) => ScriptedHandler.Respond(HttpStatusCode.OK, null,
            ("ETag", "\"0x8D2\""),
            ("Last-Modified", LastModified),
            ("x-ms-creation-time", "Sun, 31 Dec 2023 23:00:00 GMT"),
            ("Content-Length", "42"),
            ("Content-Type", "application/json"),
            ("x-ms-blob-type", "AppendBlob"),
            ("x-ms-blob-committed-block-count", "7"),
            ("x-ms-blob-sealed", "true"),
            ("x-ms-lease-state", "breaking"),
            ("x-ms-meta-Shard", "3")));
        using var store = NewStore(transport);

        var p = await store.GetPropertiesAsync(Blob);

        Assert.Equal(HttpMethod.Head, Assert.Single(transport.Sent).Method);
        Assert.Equal(Blob.Name, p.Name);
        Assert.Equal(BlobType.Append, p.BlobType);
        Assert.Equal(42, p.Length);
        Assert.Equal("\"0x8D2\"", p.ETag.Value);
        Assert.Equal(new DateTimeOffset(2023, 12, 31, 23, 0, 0, TimeSpan.Zero), p.CreatedOn);
        Assert.Equal("application/json", p.ContentType);
        Assert.Equal(7, p.CommittedBlockCount);
        Assert.True(p.IsSealed);
        Assert.Equal(LeaseState.Breaking, p.LeaseState);
        Assert.Null(p.AccessTier);
        Assert.Equal("3", p.Metadata["shard"]);
    }

    [Fact]
    public async Task GetProperties_OfABlockBlobWithoutATierHeader_IsHot()
    {
        var transport = new ScriptedHandler((_, _) => ScriptedHandler.Respond(HttpStatusCode.OK, null,
            ("ETag", "\"0x1\""), ("Last-Modified", LastModified), ("Content-Length", "0"), ("x-ms-blob-type", "BlockBlob")));
        using var store = NewStore(transport);

        var p = await store.GetPropertiesAsync(Blob);

        Assert.Equal(AccessTier.Hot, p.AccessTier);
        Assert.Null(p.CommittedBlockCount);
        Assert.Equal(LeaseState.Available, p.LeaseState);
    }

    [Fact]
    public async Task HeadErrors_AreReadFromTheErrorCodeHeader()
    {
        var transport = new ScriptedHandler((_, _) => ScriptedHandler.Respond(HttpStatusCode.NotFound, null, ("x-ms-error-code", "ContainerNotFound")));
        using var store = NewStore(transport);

        var error = await Assert.ThrowsAsync<BlobNotFoundException>(() => store.GetPropertiesAsync(Blob));

        Assert.Equal(BlobErrorCodes.ContainerNotFound, error.ErrorCode);
    }

    [Fact]
    public async Task ErrorBodies_MapToTypedExceptionsWithTheServiceCodeAndMessage()
    {
        var transport = new ScriptedHandler((_, _) => ScriptedHandler.Error(HttpStatusCode.Conflict, "BlobIsSealed", "The blob is sealed."));
        using var store = NewStore(transport);

        var error = await Assert.ThrowsAsync<BlobConflictException>(() => store.AppendBlockAsync(Blob, new byte[] { 1 }));

        Assert.Equal(BlobErrorCodes.BlobIsSealed, error.ErrorCode);
        Assert.Contains("The blob is sealed.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("RequestId:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TransientStatus_AfterEveryRetry_SaysHowManyAttemptsWereMade()
    {
        var transport = new ScriptedHandler((_, _) => ScriptedHandler.Respond(HttpStatusCode.ServiceUnavailable,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>ServerBusy</Code><Message>Slow down.</Message></Error>", ("Retry-After", "1")));
        using var store = NewStore(transport);

        var error = await Assert.ThrowsAsync<BlobStorageException>(() => store.ReadAsync(Blob));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.Status);
        Assert.Equal(BlobErrorCodes.ServerBusy, error.ErrorCode);
        Assert.Contains("gave up after 3 attempts", error.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(1), error.RetryAfter);
        Assert.True(error.IsTransient);
        Assert.Equal(3, transport.Sent.Count);
    }

    [Fact]
    public async Task NotModified_OnAConditionalRead_IsAFailedPrecondition()
    {
        var transport = new ScriptedHandler((_, _) => ScriptedHandler.Respond(HttpStatusCode.NotModified));
        using var store = NewStore(transport);

        var error = await Assert.ThrowsAsync<BlobPreconditionFailedException>(() => store.ReadAsync(Blob, conditions: new BlobConditions { IfNoneMatch = new ETag("\"0x1\"") }));

        Assert.Equal(BlobErrorCodes.ConditionNotMet, error.ErrorCode);
    }

    [Fact]
    public async Task RangedRead_SendsXMsRange_AndTakesTheLengthFromContentRange()
    {
        var transport = new ScriptedHandler((_, _) => ScriptedHandler.Respond(HttpStatusCode.PartialContent, "345",
            ("ETag", "\"0x1\""), ("Last-Modified", LastModified), ("x-ms-blob-type", "BlockBlob"), ("Content-Range", "bytes 3-5/10")));
        using var store = NewStore(transport);

        var read = await store.ReadAsync(Blob, new BlobRange(3, 3));

        Assert.Equal("bytes=3-5", transport.Sent[0].Header("x-ms-range"));
        Assert.Equal("345", Encoding.UTF8.GetString(read.Content.Span));
        Assert.Equal(3, read.Offset);
        Assert.Equal(10, read.Properties.Length);
    }

    [Fact]
    public async Task WholeRead_SendsNoRangeHeader()
    {
        var transport = new ScriptedHandler((_, _) => ScriptedHandler.Respond(HttpStatusCode.OK, null,
            ("ETag", "\"0x1\""), ("Last-Modified", LastModified), ("x-ms-blob-type", "BlockBlob")));
        using var store = NewStore(transport);

        var read = await store.ReadAsync(Blob);

        Assert.Null(transport.Sent[0].Header("x-ms-range"));
        Assert.Null(transport.Sent[0].Header("Range"));
        Assert.Equal(0, read.Content.Length);
        Assert.Equal(0, read.Properties.Length);
    }

    [Fact]
    public async Task RangedRead_StartingAtTheEnd_IsInvalidRangeEvenWhenTheServerServesAnEmptyPart()
    {
        // Azurite answers a range starting exactly at the end with an empty 206; Azure answers 416.
        var transport = new ScriptedHandler((_, _) => ScriptedHandler.Respond(HttpStatusCode.PartialContent, null,
            ("ETag", "\"0x1\""), ("Last-Modified", LastModified), ("x-ms-blob-type", "BlockBlob"), ("Content-Range", "bytes 3-2/3")));
        using var store = NewStore(transport);

        var error = await Assert.ThrowsAsync<BlobStorageException>(() => store.ReadAsync(Blob, BlobRange.From(3)));

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, error.Status);
        Assert.Equal(BlobErrorCodes.InvalidRange, error.ErrorCode);
    }

    [Fact]
    public async Task Append_ReturnsTheOffsetAndBlockCount_AndSendsItsConditions()
    {
        var transport = new ScriptedHandler((_, _) => ScriptedHandler.Respond(HttpStatusCode.Created, null,
            ("ETag", "\"0x2\""), ("Last-Modified", LastModified), ("x-ms-blob-append-offset", "10"), ("x-ms-blob-committed-block-count", "4")));
        using var store = NewStore(transport);
        var lease = Guid.NewGuid().ToString();

        var result = await store.AppendBlockAsync(Blob, new byte[] { 1, 2 }, new AppendConditions { AppendPosition = 10, MaxSize = 100, LeaseId = lease, IfMatch = new ETag("\"0x1\"") });

        Assert.Equal(new AppendResult(10, 4, new ETag("\"0x2\""), new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero)), result);
        var sent = Assert.Single(transport.Sent);
        Assert.Equal("?comp=appendblock", sent.Uri.Query);
        Assert.Equal("10", sent.Header("x-ms-blob-condition-appendpos"));
        Assert.Equal("100", sent.Header("x-ms-blob-condition-maxsize"));
        Assert.Equal(lease, sent.Header("x-ms-lease-id"));
        Assert.Equal("\"0x1\"", sent.Header("If-Match"));
    }

    [Fact]
    public async Task RetriedAppend_WhoseFirstAttemptLanded_SucceedsAtItsPosition()
    {
        var transport = new ScriptedHandler((request, call) => call switch
        {
            1 => throw new IOException("response lost after the append landed"),
            2 => ScriptedHandler.Error(HttpStatusCode.PreconditionFailed, "AppendPositionConditionNotMet"),
            _ => ScriptedHandler.Respond(HttpStatusCode.PartialContent, "\u0001\u0002",
                ("ETag", "\"0x3\""), ("Last-Modified", LastModified), ("x-ms-blob-type", "AppendBlob"),
                ("x-ms-blob-committed-block-count", "5"), ("Content-Range", "bytes 10-11/12")),
        });
        using var store = NewStore(transport);

        var result = await store.AppendBlockAsync(Blob, new byte[] { 1, 2 }, new AppendConditions { AppendPosition = 10 });

        Assert.Equal(10, result.Offset);
        Assert.Equal(5, result.CommittedBlockCount);
        Assert.Equal("\"0x3\"", result.ETag.Value);
        Assert.Equal(3, transport.Sent.Count);
        Assert.Equal("bytes=10-11", transport.Sent[2].Header("x-ms-range"));
    }

    [Fact]
    public async Task RetriedAppend_FindingOtherBytesAtItsPosition_FailsWithThePreconditionError()
    {
        var transport = new ScriptedHandler((_, call) => call switch
        {
            1 => throw new IOException("lost"),
            2 => ScriptedHandler.Error(HttpStatusCode.PreconditionFailed, "AppendPositionConditionNotMet"),
            _ => ScriptedHandler.Respond(HttpStatusCode.PartialContent, "\u0009\u0009",
                ("ETag", "\"0x3\""), ("Last-Modified", LastModified), ("x-ms-blob-type", "AppendBlob"), ("Content-Range", "bytes 10-11/12")),
        });
        using var store = NewStore(transport);

        var error = await Assert.ThrowsAsync<BlobPreconditionFailedException>(() => store.AppendBlockAsync(Blob, new byte[] { 1, 2 }, new AppendConditions { AppendPosition = 10 }));

        Assert.Equal(BlobErrorCodes.AppendPositionConditionNotMet, error.ErrorCode);
    }

    [Fact]
    public async Task FirstAttemptAppendPositionFailure_IsNotVerified()
    {
        var transport = new ScriptedHandler((_, _) => ScriptedHandler.Error(HttpStatusCode.PreconditionFailed, "AppendPositionConditionNotMet"));
        using var store = NewStore(transport);

        await Assert.ThrowsAsync<BlobPreconditionFailedException>(() => store.AppendBlockAsync(Blob, new byte[] { 1 }, new AppendConditions { AppendPosition = 0 }));

        Assert.Single(transport.Sent);
    }

    [Fact]
    public async Task ListBlobs_ParsesPropertiesMetadataAndTheNextMarker()
    {
        const string xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <EnumerationResults ServiceEndpoint="http://127.0.0.1:10000/devstoreaccount1" ContainerName="box">
              <Prefix>logs/</Prefix><MaxResults>2</MaxResults>
              <Blobs>
                <Blob>
                  <Name>logs/a</Name>
                  <Properties>
                    <Creation-Time>Sun, 31 Dec 2023 23:00:00 GMT</Creation-Time>
                    <Last-Modified>Mon, 01 Jan 2024 00:00:00 GMT</Last-Modified>
                    <Etag>0x8D1</Etag>
                    <Content-Length>12</Content-Length>
                    <Content-Type>text/plain</Content-Type>
                    <BlobType>BlockBlob</BlobType>
                    <AccessTier>Cool</AccessTier>
                    <LeaseStatus>locked</LeaseStatus>
                    <LeaseState>leased</LeaseState>
                  </Properties>
                  <Metadata><Owner>me</Owner></Metadata>
                </Blob>
                <Blob>
                  <Name Encoded="true">logs/%EF%BF%BE</Name>
                  <Properties>
                    <Last-Modified>Mon, 01 Jan 2024 00:00:00 GMT</Last-Modified>
                    <Etag>"0x8D2"</Etag>
                    <Content-Length>0</Content-Length>
                    <BlobType>AppendBlob</BlobType>
                    <Sealed>true</Sealed>
                  </Properties>
                  <Metadata />
                </Blob>
              </Blobs>
              <NextMarker>2!opaque-marker</NextMarker>
            </EnumerationResults>
            """;
        var transport = new ScriptedHandler((_, _) => ScriptedHandler.Respond(HttpStatusCode.OK, xml));
        using var store = NewStore(transport);

        var page = await store.ListBlobsAsync("box", "logs/", "1!previous marker", pageSize: 2);

        var query = transport.Sent[0].Uri.Query;
        Assert.Equal("?restype=container&comp=list&include=metadata&prefix=logs%2F&marker=1%21previous%20marker&maxresults=2", query);
        Assert.Equal("2!opaque-marker", page.ContinuationToken);
        Assert.Equal(2, page.Items.Count);
        var a = page.Items[0];
        Assert.Equal("logs/a", a.Name);
        Assert.Equal(BlobType.Block, a.BlobType);
        Assert.Equal(12, a.Length);
        Assert.Equal("\"0x8D1\"", a.ETag.Value);
        Assert.Equal("text/plain", a.ContentType);
        Assert.Equal(AccessTier.Cool, a.AccessTier);
        Assert.Equal(LeaseState.Leased, a.LeaseState);
        Assert.Equal(new DateTimeOffset(2023, 12, 31, 23, 0, 0, TimeSpan.Zero), a.CreatedOn);
        Assert.Equal("me", a.Metadata["owner"]);
        var b = page.Items[1];
        Assert.Equal("logs/\uFFFE", b.Name);
        Assert.Equal(BlobType.Append, b.BlobType);
        Assert.Equal("\"0x8D2\"", b.ETag.Value);
        Assert.True(b.IsSealed);
        Assert.Null(b.AccessTier);
        Assert.Empty(b.Metadata);
    }

    [Fact]
    public async Task ListBlobs_EmptyNextMarker_MeansTheLastPage()
    {
        const string xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><EnumerationResults><Blobs /><NextMarker /></EnumerationResults>";
        var transport = new ScriptedHandler((_, _) => ScriptedHandler.Respond(HttpStatusCode.OK, xml));
        using var store = NewStore(transport);

        var page = await store.ListBlobsAsync("box");

        Assert.Empty(page.Items);
        Assert.Null(page.ContinuationToken);
    }

    [Fact]
    public async Task ContainerAndDelete_MissingOrExisting_ReturnFalse()
    {
        var transport = new ScriptedHandler((request, _) => request.Method == HttpMethod.Put
            ? ScriptedHandler.Error(HttpStatusCode.Conflict, "ContainerAlreadyExists")
            : ScriptedHandler.Error(HttpStatusCode.NotFound, "BlobNotFound"));
        using var store = NewStore(transport);

        Assert.False(await store.CreateContainerIfNotExistsAsync("box"));
        Assert.False(await store.DeleteContainerIfExistsAsync("box"));
        Assert.False(await store.DeleteBlobIfExistsAsync(Blob));
        Assert.Equal("?restype=container", transport.Sent[0].Uri.Query);
    }

    [Fact]
    public async Task AcquireLease_ProposesAnIdAndSendsTheDuration()
    {
        var transport = new ScriptedHandler((request, _) => ScriptedHandler.Respond(HttpStatusCode.Created, null,
            ("ETag", "\"0x1\""), ("Last-Modified", LastModified), ("x-ms-lease-id", request.Headers.GetValues("x-ms-proposed-lease-id").Single())));
        using var store = NewStore(transport);

        var infinite = await store.AcquireLeaseAsync(Blob, Timeout.InfiniteTimeSpan);
        var timed = await store.AcquireLeaseAsync(Blob, TimeSpan.FromSeconds(15));

        Assert.True(Guid.TryParse(infinite.LeaseId, out _));
        Assert.Equal("-1", transport.Sent[0].Header("x-ms-lease-duration"));
        Assert.Equal("15", transport.Sent[1].Header("x-ms-lease-duration"));
        Assert.Equal("acquire", transport.Sent[1].Header("x-ms-lease-action"));
        Assert.Equal("?comp=lease", transport.Sent[1].Uri.Query);
    }

    [Fact]
    public async Task BreakLease_ReturnsTheLeaseTime()
    {
        var transport = new ScriptedHandler((_, _) => ScriptedHandler.Respond(HttpStatusCode.Accepted, null,
            ("ETag", "\"0x1\""), ("Last-Modified", LastModified), ("x-ms-lease-time", "12")));
        using var store = NewStore(transport);

        var remaining = await store.BreakLeaseAsync(Blob, TimeSpan.FromSeconds(12));

        Assert.Equal(TimeSpan.FromSeconds(12), remaining);
        Assert.Equal("break", transport.Sent[0].Header("x-ms-lease-action"));
        Assert.Equal("12", transport.Sent[0].Header("x-ms-lease-break-period"));
    }

    [Fact]
    public async Task SasStore_SendsTheTokenInsteadOfASignature()
    {
        var transport = new ScriptedHandler((_, call) => call == 1
            ? ScriptedHandler.Respond(HttpStatusCode.InternalServerError)
            : ScriptedHandler.Respond(HttpStatusCode.Created));
        using var store = new AzureBlobStore(
            StorageConnectionString.Parse("BlobEndpoint=https://acct.blob.core.windows.net;SharedAccessSignature=sv=2023-11-03&sig=x%2By"), FastRetries, transport);

        Assert.True(await store.CreateContainerIfNotExistsAsync("box"));

        Assert.Equal(2, transport.Sent.Count);
        Assert.All(transport.Sent, sent =>
        {
            Assert.Equal("https://acct.blob.core.windows.net/box?restype=container&sv=2023-11-03&sig=x%2By", sent.Uri.AbsoluteUri);
            Assert.Null(sent.Header("Authorization"));
        });
    }

    private static AzureBlobStore NewStore(HttpMessageHandler transport) =>
        AzureBlobStore.FromConnectionString(ConnectionString, FastRetries, transport);
}
