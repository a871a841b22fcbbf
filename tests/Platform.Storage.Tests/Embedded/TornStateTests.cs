using Platform.Storage.Embedded;
using Platform.Storage.Tests.Infrastructure;

namespace Platform.Storage.Tests.Embedded;

/// <summary>
/// What a power loss can leave on disk, made by hand: a state slot that reached disk without the bytes it
/// points at, a torn slot, garbage past the committed end. The store must fall back to the last durable state.
/// </summary>
public sealed class TornStateTests
{
    private static EmbeddedBlobStore Open(string folder) => EmbeddedBlobStore.Open(new EmbeddedBlobStoreOptions { DataPath = folder });

    /// <summary>Writes an append blob with the given blocks through a store that is then closed; returns its file.</summary>
    private static async Task<string> WriteAppendBlobAsync(string folder, BlobPath blob, params string[] blocks)
    {
        using var store = Open(folder);
        await store.CreateContainerIfNotExistsAsync(blob.Container);
        await store.CreateAppendBlobAsync(blob);
        foreach (var block in blocks)
        {
            await store.AppendBlockAsync(blob, System.Text.Encoding.UTF8.GetBytes(block));
        }

        return new EmbeddedLayout(folder).BlobFile(blob);
    }

    private static async Task<string> WriteBlockBlobAsync(string folder, BlobPath blob, string content)
    {
        using var store = Open(folder);
        await store.CreateContainerIfNotExistsAsync(blob.Container);
        await store.PutBlockBlobAsync(blob, System.Text.Encoding.UTF8.GetBytes(content));
        return new EmbeddedLayout(folder).BlobFile(blob);
    }

    /// <summary>Damages the file the way a power loss or a bad disk could.</summary>
    private static void Overwrite(string file, byte[] bytes, long offset)
    {
        using var handle = File.OpenHandle(file, FileMode.Open, FileAccess.ReadWrite);
        RandomAccess.Write(handle, bytes, offset);
    }

    [Fact]
    public async Task NewestSlotWhoseBytesNeverReachedDisk_FallsBackToThePreviousState()
    {
        using var folder = new TempFolder();
        var blob = new BlobPath("torn", "log");
        var file = await WriteAppendBlobAsync(folder.Path, blob, "first", "second");

        // Zero the last append's bytes, as if its slot was written back but its data page was not.
        Overwrite(file, new byte[6], BlobFile.DataOffset + 5);

        using var reopened = Open(folder.Path);
        var read = await reopened.ReadAsync(blob);
        Assert.Equal("first", System.Text.Encoding.UTF8.GetString(read.Content.Span));
        Assert.Equal(1, read.Properties.CommittedBlockCount);
        var next = await reopened.AppendBlockAsync(blob, "again"u8.ToArray());
        Assert.Equal(5, next.Offset);
        Assert.Equal("firstagain", System.Text.Encoding.UTF8.GetString((await reopened.ReadAsync(blob)).Content.Span));
    }

    [Fact]
    public async Task TornStateSlot_IsIgnored_AndTheOtherSlotServes()
    {
        using var folder = new TempFolder();
        var blob = new BlobPath("torn", "doc");
        var file = await WriteAppendBlobAsync(folder.Path, blob, "abc");

        // The newest state (sequence 2) lives in slot 0; scribble over its middle.
        Overwrite(file, new byte[] { 0xFF, 0xFE, 0xFD, 0xFC }, BlobFile.SlotOffset(2) + 40);

        using var reopened = Open(folder.Path);
        var properties = await reopened.GetPropertiesAsync(blob);
        Assert.Equal(0, properties.Length);
        Assert.Equal(0, properties.CommittedBlockCount);
    }

    [Fact]
    public async Task FileWithNoIntactState_IsReportedAsCorrupt_NotReturnedAsData()
    {
        using var folder = new TempFolder();
        var blob = new BlobPath("torn", "broken");
        var file = await WriteBlockBlobAsync(folder.Path, blob, "payload");

        Overwrite(file, new byte[2 * BlobStateCodec.SlotSize], 0);

        using var reopened = Open(folder.Path);
        var error = await Assert.ThrowsAsync<BlobStorageException>(() => reopened.ReadAsync(blob));
        Assert.Equal(BlobErrorCodes.InternalError, error.ErrorCode);
        Assert.Contains("corrupt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhenNeitherSlotsBytesAreIntact_TheBlobIsReportedCorrupt_NotServedFromTheOlderSlot()
    {
        using var folder = new TempFolder();
        var blob = new BlobPath("torn", "both");
        var file = await WriteAppendBlobAsync(folder.Path, blob, "first", "second");

        // Both slots' newest bytes lost: the older state cannot vouch for its block either.
        Overwrite(file, new byte[11], BlobFile.DataOffset);

        using var reopened = Open(folder.Path);
        var error = await Assert.ThrowsAsync<BlobStorageException>(() => reopened.ReadAsync(blob));
        Assert.Equal(BlobErrorCodes.InternalError, error.ErrorCode);
    }

    [Fact]
    public async Task ACorruptBlob_CanBeDeletedOrReplacedUnconditionally_ButNotConditionally()
    {
        using var folder = new TempFolder();
        var blob = new BlobPath("torn", "repair");
        var file = await WriteBlockBlobAsync(folder.Path, blob, "payload");
        using var store = Open(folder.Path);
        Overwrite(file, new byte[2 * BlobStateCodec.SlotSize], 0);

        await Assert.ThrowsAsync<BlobStorageException>(() => store.PutBlockBlobAsync(blob, "x"u8.ToArray(), new PutBlobOptions { Conditions = BlobConditions.IfAbsent }));
        await store.PutBlockBlobAsync(blob, "replaced"u8.ToArray());
        Assert.Equal("replaced", System.Text.Encoding.UTF8.GetString((await store.ReadAsync(blob)).Content.Span));

        Overwrite(file, new byte[2 * BlobStateCodec.SlotSize], 0);

        Assert.True(await store.DeleteBlobIfExistsAsync(blob));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => store.GetPropertiesAsync(blob));
    }

    [Fact]
    public async Task TheLargestMetadataAzureAllows_FitsTheStateSlot()
    {
        using var folder = new TempFolder();
        using var store = Open(folder.Path);
        await store.CreateContainerIfNotExistsAsync("meta");
        var blob = new BlobPath("meta", "many");

        // 8 KiB of metadata as the most entries possible: names of one or two characters, empty values.
        var many = new Dictionary<string, string>();
        for (var i = 0; many.Sum(kv => kv.Key.Length) + 2 <= BlobLimits.MaxMetadataBytes; i++)
        {
            many[i < 52 ? ((char)(i < 26 ? 'a' + i : 'A' + i - 26)).ToString() : $"k{i}"] = string.Empty;
        }

        many = many.Where(kv => !many.Keys.Any(k => k != kv.Key && string.Equals(k, kv.Key, StringComparison.OrdinalIgnoreCase))).ToDictionary();
        await store.PutBlockBlobAsync(blob, "x"u8.ToArray(), new PutBlobOptions { Metadata = many, ContentType = new string('t', BlobRules.MaxContentTypeLength) });

        var properties = await store.GetPropertiesAsync(blob);
        Assert.Equal(many.Count, properties.Metadata.Count);
        Assert.True(many.Count > 1500, $"only {many.Count} entries were tried");
    }
}
