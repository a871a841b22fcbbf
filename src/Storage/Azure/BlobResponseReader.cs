using System.Globalization;

namespace Platform.Storage.Azure;

/// <summary>Turns Blob REST response headers into the platform's models.</summary>
internal static class BlobResponseReader
{
    public static ETag ReadETag(HttpResponseMessage response) =>
        new(AzureHeaders.Get(response, "ETag") ?? throw MissingHeader("ETag"));

    public static DateTimeOffset ReadLastModified(HttpResponseMessage response) =>
        AzureHeaders.GetDate(response, "Last-Modified") ?? throw MissingHeader("Last-Modified");

    public static BlobInfo ReadInfo(HttpResponseMessage response) => new(ReadETag(response), ReadLastModified(response));

    /// <summary>
    /// Properties from a Get Blob Properties (HEAD) or Get Blob response. <paramref name="length"/> is the blob's
    /// total length when the caller knows it better than Content-Length (ranged reads).
    /// </summary>
    public static BlobProperties ReadProperties(string name, HttpResponseMessage response, long? length = null)
    {
        var blobType = ParseBlobType(AzureHeaders.Get(response, AzureHeaders.BlobType));
        return new BlobProperties
        {
            Name = name,
            BlobType = blobType,
            Length = length ?? AzureHeaders.GetInt64(response, "Content-Length") ?? 0,
            ETag = ReadETag(response),
            LastModified = ReadLastModified(response),
            CreatedOn = AzureHeaders.GetDate(response, AzureHeaders.CreationTime),
            ContentType = AzureHeaders.Get(response, "Content-Type"),
            Metadata = ReadMetadata(response),
            AccessTier = blobType == BlobType.Block ? ParseAccessTier(AzureHeaders.Get(response, AzureHeaders.AccessTier)) : null,
            IsSealed = IsTrue(AzureHeaders.Get(response, AzureHeaders.Sealed)),
            LeaseState = ParseLeaseState(AzureHeaders.Get(response, AzureHeaders.LeaseState)),
            CommittedBlockCount = blobType == BlobType.Append ? (int?)AzureHeaders.GetInt64(response, AzureHeaders.CommittedBlockCount) ?? 0 : null,
        };
    }

    /// <summary>The total length from <c>Content-Range: bytes first-last/total</c>, when present.</summary>
    public static long? ReadContentRangeTotal(HttpResponseMessage response)
    {
        var range = AzureHeaders.Get(response, "Content-Range");
        var slash = range?.LastIndexOf('/') ?? -1;
        return slash >= 0 && long.TryParse(range.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var total) ? total : null;
    }

    public static IReadOnlyDictionary<string, string> ReadMetadata(HttpResponseMessage response)
    {
        Dictionary<string, string>? metadata = null;
        foreach (var (name, values) in response.Headers.NonValidated)
        {
            if (name.Length > AzureHeaders.MetaPrefix.Length && name.StartsWith(AzureHeaders.MetaPrefix, StringComparison.OrdinalIgnoreCase))
            {
                metadata ??= new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                metadata[name[AzureHeaders.MetaPrefix.Length..]] = string.Join(",", values);
            }
        }

        return metadata is null ? BlobProperties.EmptyMetadata : metadata.AsReadOnly();
    }

    public static BlobType ParseBlobType(string? value) => value switch
    {
        "BlockBlob" => BlobType.Block,
        "AppendBlob" => BlobType.Append,
        _ => throw new BlobStorageException(System.Net.HttpStatusCode.Conflict, BlobErrorCodes.InvalidBlobType,
            $"The blob is a '{value ?? "(unknown)"}' blob; only block and append blobs are supported."),
    };

    /// <summary>Hot, Cool or Cold; Hot when the service names no tier; null for tiers the platform does not model (Archive, premium).</summary>
    public static AccessTier? ParseAccessTier(string? value) => value?.Trim().ToUpperInvariant() switch
    {
        null or "" or "HOT" => AccessTier.Hot,
        "COOL" => AccessTier.Cool,
        "COLD" => AccessTier.Cold,
        _ => null,
    };

    public static string FormatAccessTier(AccessTier tier) => tier switch
    {
        AccessTier.Hot => "Hot",
        AccessTier.Cool => "Cool",
        AccessTier.Cold => "Cold",
        _ => throw new ArgumentOutOfRangeException(nameof(tier), tier, "Unknown access tier."),
    };

    public static LeaseState ParseLeaseState(string? value) => value?.Trim().ToUpperInvariant() switch
    {
        "LEASED" => LeaseState.Leased,
        "EXPIRED" => LeaseState.Expired,
        "BREAKING" => LeaseState.Breaking,
        "BROKEN" => LeaseState.Broken,
        _ => LeaseState.Available,
    };

    public static bool IsTrue(string? value) => bool.TryParse(value?.Trim(), out var result) && result;

    private static BlobStorageException MissingHeader(string header) =>
        new(System.Net.HttpStatusCode.BadGateway, BlobErrorCodes.InternalError, $"The service response has no '{header}' header.");
}
