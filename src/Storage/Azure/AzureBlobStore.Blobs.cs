using System.Globalization;
using System.Net;
using System.Text;

using Platform.Storage.Resilience;

namespace Platform.Storage.Azure;

public sealed partial class AzureBlobStore
{
    /// <inheritdoc/>
    public async Task<BlobInfo> PutBlockBlobAsync(BlobPath path, ReadOnlyMemory<byte> content, PutBlobOptions? options = null, CancellationToken cancellationToken = default)
    {
        ValidatePath(path);
        ValidateOptions(BlobType.Block, options);
        using var request = NewRequest(HttpMethod.Put, BlobUris.Blob(_endpoint, path));
        request.Content = new ReadOnlyMemoryContent(content);
        request.Headers.TryAddWithoutValidation(AzureHeaders.BlobType, "BlockBlob");
        if (options?.AccessTier is { } tier)
        {
            request.Headers.TryAddWithoutValidation(AzureHeaders.AccessTier, BlobResponseReader.FormatAccessTier(tier));
        }

        AddPutOptions(request, options);
        using var response = await SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return BlobResponseReader.ReadInfo(response);
        }

        // A conditional put whose first attempt landed (response lost) fails its own condition on the retry.
        var error = await ErrorAsync(response, cancellationToken);
        if (AzureRequestOptions.GetAttempt(request) > 1 &&
            PutLanding.IsOwnConditionFailure(error, options) &&
            await PutLanding.FindAsync(this, path, content, options, cancellationToken) is { } landed)
        {
            return landed;
        }

        throw error;
    }

    /// <inheritdoc/>
    /// <remarks>An <see cref="PutBlobOptions.AccessTier"/> is rejected before any I/O with <c>AccessTierNotSupportedForBlobType</c> (400).</remarks>
    public async Task<BlobInfo> CreateAppendBlobAsync(BlobPath path, PutBlobOptions? options = null, CancellationToken cancellationToken = default)
    {
        ValidatePath(path);
        ValidateOptions(BlobType.Append, options);

        using var request = NewRequest(HttpMethod.Put, BlobUris.Blob(_endpoint, path));
        request.Content = new ByteArrayContent([]);
        request.Headers.TryAddWithoutValidation(AzureHeaders.BlobType, "AppendBlob");
        AddPutOptions(request, options);
        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return BlobResponseReader.ReadInfo(response);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// <para>Append Block is not idempotent, and the request is retried on transient failures. When the append carries
    /// <see cref="AppendConditions.AppendPosition"/> a retry is made safe: if a retry attempt (not the first one) fails
    /// its precondition (<c>AppendPositionConditionNotMet</c>, <c>MaxBlobSizeConditionNotMet</c> or <c>ConditionNotMet</c>),
    /// an earlier attempt may have landed with its response lost, so the bytes at [position, position + length) are read
    /// back; if they equal <paramref name="data"/> the append is reported as done at that position, with the
    /// blob's properties as read then (its ETag and block count may already include later appends).
    /// Otherwise the precondition failure is thrown.</para>
    /// <para>Without an append position a retried append whose first attempt landed is appended twice; callers that
    /// need exactly-once appends pass the position they expect.</para>
    /// </remarks>
    public async Task<AppendResult> AppendBlockAsync(BlobPath path, ReadOnlyMemory<byte> data, AppendConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        ValidatePath(path);
        BlobRules.ValidateAppendBlock(data);
        if (conditions?.LeaseId is { } leaseId)
        {
            BlobRules.ValidateLeaseId(leaseId, nameof(conditions));
        }

        using var request = NewRequest(HttpMethod.Put, BlobUris.Blob(_endpoint, path, "comp=appendblock"));
        request.Content = new ReadOnlyMemoryContent(data);
        if (conditions is not null)
        {
            if (conditions.IfMatch is { } ifMatch)
            {
                request.Headers.TryAddWithoutValidation("If-Match", ifMatch.Value);
            }

            if (conditions.LeaseId is { } lease)
            {
                request.Headers.TryAddWithoutValidation(AzureHeaders.LeaseId, lease);
            }

            if (conditions.AppendPosition is { } position)
            {
                request.Headers.TryAddWithoutValidation(AzureHeaders.AppendPosition, position.ToString(CultureInfo.InvariantCulture));
            }

            if (conditions.MaxSize is { } maxSize)
            {
                request.Headers.TryAddWithoutValidation(AzureHeaders.MaxSize, maxSize.ToString(CultureInfo.InvariantCulture));
            }
        }

        using var response = await SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return new AppendResult(
                AzureHeaders.GetInt64(response, AzureHeaders.AppendOffset) ?? throw MissingHeader(AzureHeaders.AppendOffset),
                (int)(AzureHeaders.GetInt64(response, AzureHeaders.CommittedBlockCount) ?? throw MissingHeader(AzureHeaders.CommittedBlockCount)),
                BlobResponseReader.ReadETag(response),
                BlobResponseReader.ReadLastModified(response));
        }

        var error = await ErrorAsync(response, cancellationToken);
        if (error is BlobPreconditionFailedException &&
            conditions?.AppendPosition is { } expected &&
            AzureRequestOptions.GetAttempt(request) > 1 &&
            error.ErrorCode is BlobErrorCodes.AppendPositionConditionNotMet or BlobErrorCodes.MaxBlobSizeConditionNotMet or BlobErrorCodes.ConditionNotMet &&
            await AppendLanding.FindAsync(this, path, expected, data, cancellationToken) is { } landed)
        {
            return landed;
        }

        throw error;
    }

    /// <inheritdoc/>
    public async Task<BlobInfo> SealAppendBlobAsync(BlobPath path, BlobConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        ValidatePath(path);
        ValidateConditions(conditions);
        using var request = NewRequest(HttpMethod.Put, BlobUris.Blob(_endpoint, path, "comp=seal"));
        AddConditions(request, conditions);
        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return BlobResponseReader.ReadInfo(response);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// A range that starts at or past the end of the blob fails with status 416 and <c>InvalidRange</c> (so does any range
    /// of an empty blob); a range that runs past the end returns the bytes that exist. Reading without a range sends no
    /// range header, so an empty blob reads as empty content. A matching <c>If-None-Match</c> is reported as
    /// <see cref="BlobPreconditionFailedException"/> (<c>ConditionNotMet</c>) rather than a 304.
    /// </remarks>
    public Task<BlobDownload> ReadAsync(BlobPath path, BlobRange? range = null, BlobConditions? conditions = null, CancellationToken cancellationToken = default) =>
        ReadRangeAsync(path, range, into: null, conditions, cancellationToken);

    /// <inheritdoc/>
    public Task<BlobDownload> ReadIntoAsync(BlobPath path, long offset, Memory<byte> destination, BlobConditions? conditions = null, CancellationToken cancellationToken = default) =>
        ReadRangeAsync(path, new BlobRange(offset, destination.Length), destination, conditions, cancellationToken);

    /// <summary>A read of the whole blob or a range, its body into <paramref name="into"/> or a new array.</summary>
    private async Task<BlobDownload> ReadRangeAsync(BlobPath path, BlobRange? range, Memory<byte>? into, BlobConditions? conditions, CancellationToken cancellationToken)
    {
        ValidatePath(path);
        BlobRules.ValidateRange(range);
        ValidateConditions(conditions);
        using var request = NewRequest(HttpMethod.Get, BlobUris.Blob(_endpoint, path));
        if (range is { } r)
        {
            request.Headers.TryAddWithoutValidation(AzureHeaders.Range, FormatRange(r));
        }

        AddConditions(request, conditions);
        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        if (into is not { } destination)
        {
            return Downloaded(path, range, response, await response.Content.ReadAsByteArrayAsync(cancellationToken));
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var filled = 0;
        while (filled < destination.Length)
        {
            var read = await body.ReadAsync(destination[filled..], cancellationToken);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        // The Range header bounds the body; bytes past it (a server that ignored the header) are left unread.
        return Downloaded(path, range, response, destination[..filled]);
    }

    private static BlobDownload Downloaded(BlobPath path, BlobRange? range, HttpResponseMessage response, ReadOnlyMemory<byte> content)
    {
        var length = BlobResponseReader.ReadContentRangeTotal(response) ?? content.Length;
        if (range is { } requested && requested.Offset >= length)
        {
            // Azure answers 416 itself; Azurite serves an empty 206 when the range starts exactly at the end.
            throw new BlobStorageException(HttpStatusCode.RequestedRangeNotSatisfiable, BlobErrorCodes.InvalidRange,
                $"The range starts at {requested.Offset} but the blob is {length} bytes long.");
        }

        var properties = BlobResponseReader.ReadProperties(path.Name, response, length);
        return new BlobDownload(properties, range?.Offset ?? 0, content);
    }

    /// <inheritdoc/>
    public async Task<BlobProperties> GetPropertiesAsync(BlobPath path, BlobConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        ValidatePath(path);
        ValidateConditions(conditions);
        using var request = NewRequest(HttpMethod.Head, BlobUris.Blob(_endpoint, path));
        AddConditions(request, conditions);
        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return BlobResponseReader.ReadProperties(path.Name, response);
    }

    /// <inheritdoc/>
    public async Task<BlobInfo> SetMetadataAsync(BlobPath path, IReadOnlyDictionary<string, string> metadata, BlobConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        ValidatePath(path);
        ArgumentNullException.ThrowIfNull(metadata);
        BlobRules.ValidateMetadata(metadata);
        ValidateConditions(conditions);
        using var request = NewRequest(HttpMethod.Put, BlobUris.Blob(_endpoint, path, "comp=metadata"));
        AddMetadata(request, metadata);
        AddConditions(request, conditions);
        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return BlobResponseReader.ReadInfo(response);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// <see cref="BlobProperties.CommittedBlockCount"/> is null in listings (List Blobs does not report it);
    /// read an append blob's properties for it. Page blobs are left out.
    /// </remarks>
    public async Task<BlobPage> ListBlobsAsync(string container, string? prefix = null, string? continuationToken = null, int pageSize = BlobLimits.DefaultPageSize, CancellationToken cancellationToken = default)
    {
        BlobNames.ValidateContainer(container);
        BlobNames.ValidatePrefix(prefix);
        BlobRules.ValidatePageSize(pageSize);

        var query = new StringBuilder("restype=container&comp=list&include=metadata");
        if (!string.IsNullOrEmpty(prefix))
        {
            query.Append("&prefix=").Append(Uri.EscapeDataString(prefix));
        }

        if (!string.IsNullOrEmpty(continuationToken))
        {
            query.Append("&marker=").Append(Uri.EscapeDataString(continuationToken));
        }

        query.Append("&maxresults=").Append(pageSize.ToString(CultureInfo.InvariantCulture));
        using var request = NewRequest(HttpMethod.Get, BlobUris.Container(_endpoint, container, query.ToString()));
        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        return ListBlobsResultParser.Parse(body);
    }

    /// <inheritdoc/>
    /// <remarks>Any 404 (blob or container missing) returns false. A retried delete whose first attempt landed also returns false.</remarks>
    public async Task<bool> DeleteBlobIfExistsAsync(BlobPath path, BlobConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        ValidatePath(path);
        ValidateConditions(conditions);
        using var request = NewRequest(HttpMethod.Delete, BlobUris.Blob(_endpoint, path));
        AddConditions(request, conditions);
        return await DeleteIfExistsAsync(request, cancellationToken);
    }

    private static string FormatRange(BlobRange range)
    {
        if (range.Length is not { } length)
        {
            return string.Create(CultureInfo.InvariantCulture, $"bytes={range.Offset}-");
        }

        var last = length > long.MaxValue - range.Offset ? long.MaxValue : range.Offset + length - 1;
        return string.Create(CultureInfo.InvariantCulture, $"bytes={range.Offset}-{last}");
    }

    private static void ValidateOptions(BlobType type, PutBlobOptions? options)
    {
        BlobRules.ValidatePutOptions(type, options);
        ValidateConditions(options?.Conditions);
    }

    private static void AddPutOptions(HttpRequestMessage request, PutBlobOptions? options)
    {
        if (options is null)
        {
            return;
        }

        if (!string.IsNullOrEmpty(options.ContentType))
        {
            request.Headers.TryAddWithoutValidation(AzureHeaders.BlobContentType, options.ContentType);
        }

        AddMetadata(request, options.Metadata);
        AddConditions(request, options.Conditions);
    }

    private static BlobStorageException MissingHeader(string header) =>
        new(HttpStatusCode.BadGateway, BlobErrorCodes.InternalError, $"The service response has no '{header}' header.");
}
