using System.Globalization;
using System.Net.Http.Headers;

namespace Platform.Storage.Azure;

/// <summary>Header names of the Blob REST API and raw (unparsed) header access.</summary>
internal static class AzureHeaders
{
    public const string ApiVersion = "2023-11-03";

    public const string Version = "x-ms-version";
    public const string Date = "x-ms-date";
    public const string ClientRequestId = "x-ms-client-request-id";
    public const string RequestId = "x-ms-request-id";
    public const string ErrorCode = "x-ms-error-code";
    public const string RetryAfterMs = "x-ms-retry-after-ms";
    public const string MetaPrefix = "x-ms-meta-";
    public const string BlobType = "x-ms-blob-type";
    public const string BlobContentType = "x-ms-blob-content-type";
    public const string AccessTier = "x-ms-access-tier";
    public const string AccessTierInferred = "x-ms-access-tier-inferred";
    public const string LeaseId = "x-ms-lease-id";
    public const string LeaseAction = "x-ms-lease-action";
    public const string LeaseDuration = "x-ms-lease-duration";
    public const string LeaseBreakPeriod = "x-ms-lease-break-period";
    public const string LeaseTime = "x-ms-lease-time";
    public const string LeaseState = "x-ms-lease-state";
    public const string ProposedLeaseId = "x-ms-proposed-lease-id";
    public const string AppendPosition = "x-ms-blob-condition-appendpos";
    public const string MaxSize = "x-ms-blob-condition-maxsize";
    public const string AppendOffset = "x-ms-blob-append-offset";
    public const string CommittedBlockCount = "x-ms-blob-committed-block-count";
    public const string Sealed = "x-ms-blob-sealed";
    public const string CreationTime = "x-ms-creation-time";
    public const string Range = "x-ms-range";

    /// <summary>The value of a request header as it will be sent (comma-joined when repeated), from the message or its content.</summary>
    public static string? Get(HttpRequestMessage request, string name)
    {
        if (request.Headers.NonValidated.TryGetValues(name, out var values))
        {
            return Join(values);
        }

        if (request.Content is not null && request.Content.Headers.NonValidated.TryGetValues(name, out values))
        {
            return Join(values);
        }

        return null;
    }

    /// <summary>The raw value of a response header, from the message or its content headers.</summary>
    public static string? Get(HttpResponseMessage response, string name)
    {
        if (response.Headers.NonValidated.TryGetValues(name, out var values))
        {
            return Join(values);
        }

        if (response.Content.Headers.NonValidated.TryGetValues(name, out values))
        {
            return Join(values);
        }

        return null;
    }

    public static long? GetInt64(HttpResponseMessage response, string name) =>
        long.TryParse(Get(response, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    public static DateTimeOffset? GetDate(HttpResponseMessage response, string name) => ParseHttpDate(Get(response, name));

    /// <summary>Parses an RFC 1123 date (<c>Sun, 06 Nov 1994 08:49:37 GMT</c>), as the service sends them.</summary>
    public static DateTimeOffset? ParseHttpDate(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (DateTimeOffset.TryParseExact(value.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var exact))
        {
            return exact;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var loose) ? loose : null;
    }

    private static string Join(HeaderStringValues values) => string.Join(",", values);
}
