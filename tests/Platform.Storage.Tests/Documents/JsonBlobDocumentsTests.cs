using System.Text.Json.Serialization;
using Platform.Storage.Documents;
using Platform.Storage.Embedded;

namespace Platform.Storage.Tests.Documents;

/// <summary>Compare-and-swap JSON documents over the embedded store: creation once, no lost update, conditional delete.</summary>
public sealed class JsonBlobDocumentsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("platform-docs-").FullName;
    private readonly EmbeddedBlobStore _store;

    public JsonBlobDocumentsTests() => _store = EmbeddedBlobStore.Open(new EmbeddedBlobStoreOptions { DataPath = _folder });

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<JsonBlobDocuments<Counter>> DocumentsAsync(TimeSpan? cacheTtl = null)
    {
        await _store.CreateContainerIfNotExistsAsync("docs", CancellationToken.None);
        return new JsonBlobDocuments<Counter>(_store, "docs", "counters/", CounterJson.Default.Counter, TimeProvider.System, cacheTtl ?? TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task A_name_is_created_once_and_a_second_create_is_refused()
    {
        var documents = await DocumentsAsync();

        Assert.True(await documents.TryCreateAsync("a", new Counter("a", 1), CancellationToken.None));
        Assert.False(await documents.TryCreateAsync("a", new Counter("a", 2), CancellationToken.None));
        Assert.Equal(1, (await documents.GetAsync("a", fresh: true, CancellationToken.None))!.Value);
    }

    [Fact]
    public async Task Concurrent_updates_through_two_instances_are_all_kept()
    {
        var first = await DocumentsAsync();
        var second = await DocumentsAsync();
        await first.TryCreateAsync("c", new Counter("c", 0), CancellationToken.None);

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() =>
            (i % 2 == 0 ? first : second).UpdateAsync("c", c => c with { Value = c.Value + 1 }, CancellationToken.None))));

        Assert.Equal(40, (await second.GetAsync("c", fresh: true, CancellationToken.None))!.Value);
    }

    [Fact]
    public async Task A_cached_read_is_served_until_it_ages_and_a_fresh_read_sees_other_writers()
    {
        var reader = await DocumentsAsync(TimeSpan.FromMinutes(5));
        var writer = await DocumentsAsync();
        await writer.TryCreateAsync("d", new Counter("d", 1), CancellationToken.None);
        Assert.Equal(1, (await reader.GetAsync("d", fresh: false, CancellationToken.None))!.Value);

        await writer.UpdateAsync("d", c => c with { Value = 2 }, CancellationToken.None);

        Assert.Equal(1, (await reader.GetAsync("d", fresh: false, CancellationToken.None))!.Value);
        Assert.Equal(2, (await reader.GetAsync("d", fresh: true, CancellationToken.None))!.Value);
    }

    [Fact]
    public async Task An_update_that_returns_null_changes_nothing_and_a_missing_document_updates_to_null()
    {
        var documents = await DocumentsAsync();
        await documents.TryCreateAsync("e", new Counter("e", 7), CancellationToken.None);

        var unchanged = await documents.UpdateAsync("e", _ => null, CancellationToken.None);
        var missing = await documents.UpdateAsync("nobody", c => c with { Value = 1 }, CancellationToken.None);

        Assert.Equal(7, unchanged!.Value);
        Assert.Null(missing);
    }

    [Fact]
    public async Task A_conditional_delete_removes_only_the_version_the_predicate_accepts()
    {
        var documents = await DocumentsAsync();
        await documents.TryCreateAsync("f", new Counter("f", 1), CancellationToken.None);

        Assert.False(await documents.DeleteIfAsync("f", c => c.Value == 2, CancellationToken.None));
        Assert.NotNull(await documents.GetAsync("f", fresh: true, CancellationToken.None));
        Assert.True(await documents.DeleteIfAsync("f", c => c.Value == 1, CancellationToken.None));
        Assert.Null(await documents.GetAsync("f", fresh: true, CancellationToken.None));
        Assert.Empty(await documents.ListNamesAsync(CancellationToken.None));
    }
}

public sealed record Counter(string Name, int Value);

[JsonSerializable(typeof(Counter))]
internal sealed partial class CounterJson : JsonSerializerContext;
