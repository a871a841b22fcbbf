using System.Globalization;
using System.Text.Json;
using Platform.Storage;

namespace Platform.Triggers.Leases;

/// <summary>
/// Leases as blobs <c>leases/{function}/{stream}/{incarnation}/{shard}</c> in the triggers container: JSON content
/// (the checkpoint) plus metadata (owner, release request, finished) so one list call shows every owner.
/// Heartbeats are blobs <c>hosts/{hostId}</c> whose metadata holds the time written.
/// </summary>
public sealed class BlobLeaseStore(IBlobStore store, TimeProvider time) : ILeaseStore
{
    public const string Container = "platform-triggers";
    private const string OwnerKey = "owner";
    private const string ReleaseKey = "release";
    private const string FinishedKey = "finished";
    private const string HeartbeatKey = "heartbeat";
    private static readonly TimeSpan StaleHostAge = TimeSpan.FromMinutes(30);

    public static Task InitializeAsync(IBlobStore store, CancellationToken cancellationToken) => store.CreateContainerIfNotExistsAsync(Container, cancellationToken);

    public async Task<IReadOnlyList<LeaseRecord>> ListAsync(string function, string stream, string incarnation, CancellationToken cancellationToken)
    {
        var prefix = Prefix(function, stream, incarnation);
        var leases = new List<LeaseRecord>();
        string? token = null;
        do
        {
            var page = await store.ListBlobsAsync(Container, prefix, token, cancellationToken: cancellationToken);
            foreach (var item in page.Items)
            {
                var metadata = item.Metadata;
                leases.Add(new LeaseRecord(
                    new LeaseState
                    {
                        ShardId = item.Name[prefix.Length..],
                        Owner = Value(metadata, OwnerKey),
                        ReleaseRequestedBy = Value(metadata, ReleaseKey),
                        Finished = Value(metadata, FinishedKey) == "true",
                        UpdatedAt = item.LastModified,
                    },
                    item.ETag));
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
        return leases;
    }

    public async Task<LeaseRecord?> ReadAsync(string function, string stream, string incarnation, string shardId, CancellationToken cancellationToken)
    {
        try
        {
            var download = await store.ReadAsync(new BlobPath(Container, Prefix(function, stream, incarnation) + shardId), cancellationToken: cancellationToken);
            var state = JsonSerializer.Deserialize<LeaseState>(download.Content.Span, JsonSerializerOptions.Web)
                ?? throw new InvalidDataException($"Lease {shardId} of {function} is empty.");
            return new LeaseRecord(state, download.Properties.ETag);
        }
        catch (BlobNotFoundException)
        {
            return null;
        }
    }

    public async Task<LeaseRecord?> TryWriteAsync(string function, string stream, string incarnation, LeaseState state, LeaseRecord? expected, CancellationToken cancellationToken)
    {
        state = state with { UpdatedAt = time.GetUtcNow() };
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (state.Owner is not null)
        {
            metadata[OwnerKey] = state.Owner;
        }

        if (state.ReleaseRequestedBy is not null)
        {
            metadata[ReleaseKey] = state.ReleaseRequestedBy;
        }

        if (state.Finished)
        {
            metadata[FinishedKey] = "true";
        }

        try
        {
            var info = await store.PutBlockBlobAsync(
                new BlobPath(Container, Prefix(function, stream, incarnation) + state.ShardId),
                JsonSerializer.SerializeToUtf8Bytes(state, JsonSerializerOptions.Web),
                new PutBlobOptions
                {
                    ContentType = "application/json",
                    Metadata = metadata,
                    Conditions = expected is null ? BlobConditions.IfAbsent : BlobConditions.Matching(expected.ETag),
                },
                cancellationToken);
            return new LeaseRecord(state, info.ETag);
        }
        catch (BlobStorageException e) when (e.ErrorCode is BlobErrorCodes.ConditionNotMet or BlobErrorCodes.BlobAlreadyExists)
        {
            return null;
        }
    }

    public Task HeartbeatAsync(string hostId, DateTimeOffset at, CancellationToken cancellationToken) =>
        store.PutBlockBlobAsync(
            new BlobPath(Container, "hosts/" + hostId),
            ReadOnlyMemory<byte>.Empty,
            new PutBlobOptions { Metadata = new Dictionary<string, string> { [HeartbeatKey] = at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) } },
            cancellationToken);

    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> LiveHostsAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var live = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            var page = await store.ListBlobsAsync(Container, "hosts/", token, cancellationToken: cancellationToken);
            foreach (var item in page.Items)
            {
                var beat = Value(item.Metadata, HeartbeatKey) is { } text && long.TryParse(text, CultureInfo.InvariantCulture, out var millis)
                    ? DateTimeOffset.FromUnixTimeMilliseconds(millis)
                    : DateTimeOffset.MinValue;
                if (beat > since)
                {
                    live[item.Name["hosts/".Length..]] = beat;
                }
                else if (beat < time.GetUtcNow() - StaleHostAge)
                {
                    // A host that crashed long ago: forget it (only if nobody wrote it meanwhile), so listings stay small.
                    await store.DeleteBlobIfExistsAsync(new BlobPath(Container, item.Name), BlobConditions.Matching(item.ETag), cancellationToken);
                }
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
        return live;
    }

    public Task RemoveHostAsync(string hostId, CancellationToken cancellationToken) =>
        store.DeleteBlobIfExistsAsync(new BlobPath(Container, "hosts/" + hostId), cancellationToken: cancellationToken);

    private static string Prefix(string function, string stream, string incarnation) => $"leases/{function}/{stream}/{incarnation}/";

    private static string? Value(IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out var value) && value.Length > 0 ? value : null;
}
