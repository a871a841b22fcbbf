using System.Net;
using Platform.Storage.Resilience;

namespace Platform.Storage.Azure;

/// <summary>
/// <see cref="IBlobStore"/> over the Azure Blob Storage REST API (version 2023-11-03), for Azure and Azurite.
/// </summary>
/// <remarks>
/// <para>Requests go through <see cref="AzureRetryHandler"/> (transient statuses, lost connections, attempt
/// timeouts), then <see cref="SharedKeySigningHandler"/> or <see cref="SharedAccessSignatureHandler"/>, then the
/// transport. Because requests are retried, a write whose response was lost may be sent again; the store makes
/// the common cases safe: appends with an <see cref="AppendConditions.AppendPosition"/> are verified (see
/// <see cref="AppendBlockAsync"/>), lease acquisition always proposes a lease id so a repeated acquire renews
/// the same lease, and a repeated release that finds no lease succeeds.</para>
/// <para>Names are validated (<see cref="BlobNames"/>, <see cref="BlobRules"/>) before any I/O.</para>
/// </remarks>
public sealed partial class AzureBlobStore : IBlobStore, IDisposable
{
    private const int DefaultMaxConnectionsPerServer = 1024;

    private readonly HttpMessageInvoker _invoker;
    private readonly string _endpoint;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a store for <paramref name="connection"/>.</summary>
    /// <param name="connection">Endpoint and credentials.</param>
    /// <param name="retry">Retry policy; defaults to <see cref="RetryOptions"/>' defaults.</param>
    /// <param name="transport">The innermost handler (e.g. a fault-injecting handler around a <see cref="SocketsHttpHandler"/>);
    /// the store owns it and disposes it. Defaults to a pooled <see cref="SocketsHttpHandler"/>.</param>
    /// <param name="timeProvider">Clock for retry delays, attempt timeouts and <c>x-ms-date</c>.</param>
    public AzureBlobStore(StorageConnectionString connection, RetryOptions? retry = null, HttpMessageHandler? transport = null, TimeProvider? timeProvider = null)
        : this(connection, retry, transport, timeProvider, random: null)
    {
    }

    internal AzureBlobStore(StorageConnectionString connection, RetryOptions? retry, HttpMessageHandler? transport, TimeProvider? timeProvider, Func<double>? random)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _endpoint = BlobUris.NormalizeEndpoint(connection.BlobEndpoint);
        Connection = connection;

        transport ??= CreateDefaultTransport();
        DelegatingHandler auth = connection.HasAccountKey
            ? new SharedKeySigningHandler(connection.AccountName!, connection.AccountKey, transport, _timeProvider)
            : new SharedAccessSignatureHandler(connection.SharedAccessSignature!, transport);
        var retryHandler = new AzureRetryHandler(auth, retry ?? new RetryOptions(), _timeProvider, random);
        _invoker = new HttpMessageInvoker(retryHandler, disposeHandler: true);
    }

    /// <summary>The endpoint and credentials this store talks to.</summary>
    public StorageConnectionString Connection { get; }

    /// <summary>Parses <paramref name="connectionString"/> (see <see cref="StorageConnectionString"/>) and creates a store for it.</summary>
    public static AzureBlobStore FromConnectionString(string connectionString, RetryOptions? retry = null, HttpMessageHandler? transport = null, TimeProvider? timeProvider = null) =>
        new(StorageConnectionString.Parse(connectionString), retry, transport, timeProvider);

    /// <summary>A pooled <see cref="SocketsHttpHandler"/> suited to many concurrent requests against one account.</summary>
    public static SocketsHttpHandler CreateDefaultTransport() => new()
    {
        MaxConnectionsPerServer = DefaultMaxConnectionsPerServer,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        ConnectTimeout = TimeSpan.FromSeconds(15),
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
    };

    public void Dispose() => _invoker.Dispose();

    /// <inheritdoc/>
    /// <remarks>If the request is retried after the container was created by an attempt whose response was lost, this returns false.</remarks>
    public async Task<bool> CreateContainerIfNotExistsAsync(string container, CancellationToken cancellationToken = default)
    {
        BlobNames.ValidateContainer(container);
        using var request = NewRequest(HttpMethod.Put, BlobUris.Container(_endpoint, container, "restype=container"));
        using var response = await SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return true;
        }

        var error = await ErrorAsync(response, cancellationToken);
        if (error.Status == HttpStatusCode.Conflict && error.ErrorCode == BlobErrorCodes.ContainerAlreadyExists)
        {
            return false;
        }

        throw error;
    }

    /// <inheritdoc/>
    /// <remarks>On Azure the container disappears in the background: recreating it at once may fail with <c>ContainerBeingDeleted</c> (409).</remarks>
    public async Task<bool> DeleteContainerIfExistsAsync(string container, CancellationToken cancellationToken = default)
    {
        BlobNames.ValidateContainer(container);
        using var request = NewRequest(HttpMethod.Delete, BlobUris.Container(_endpoint, container, "restype=container"));
        return await DeleteIfExistsAsync(request, cancellationToken);
    }

    /// <summary>Sends a delete: true when it deleted, false on any 404, else the storage error.</summary>
    private async Task<bool> DeleteIfExistsAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return true;
        }

        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        throw await ErrorAsync(response, cancellationToken);
    }

    private static HttpRequestMessage NewRequest(HttpMethod method, Uri uri)
    {
        var request = new HttpRequestMessage(method, uri) { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
        request.Headers.TryAddWithoutValidation(AzureHeaders.ClientRequestId, Guid.NewGuid().ToString());
        return request;
    }

    private static void ValidatePath(BlobPath path)
    {
        // A default(BlobPath) skipped the constructor's validation.
        BlobNames.ValidateContainer(path.Container);
        BlobNames.ValidateBlob(path.Name);
    }

    private static void ValidateConditions(BlobConditions? conditions)
    {
        if (conditions?.LeaseId is { } leaseId)
        {
            BlobRules.ValidateLeaseId(leaseId, nameof(conditions));
        }
    }

    private static void AddConditions(HttpRequestMessage request, BlobConditions? conditions)
    {
        if (conditions is null)
        {
            return;
        }

        if (conditions.IfMatch is { } ifMatch)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch.Value);
        }

        if (conditions.IfNoneMatch is { } ifNoneMatch)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch.Value);
        }

        if (conditions.LeaseId is { } leaseId)
        {
            request.Headers.TryAddWithoutValidation(AzureHeaders.LeaseId, leaseId);
        }
    }

    private static void AddMetadata(HttpRequestMessage request, IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null)
        {
            return;
        }

        foreach (var (name, value) in metadata)
        {
            request.Headers.TryAddWithoutValidation(AzureHeaders.MetaPrefix + name, value);
        }
    }

    private Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _invoker.SendAsync(request, cancellationToken);

    private Task<BlobStorageException> ErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        AzureErrorReader.ReadAsync(response, _timeProvider, cancellationToken);

    private async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await ErrorAsync(response, cancellationToken);
        }
    }
}
