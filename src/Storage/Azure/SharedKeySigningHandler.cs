using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Platform.Storage.Azure;

/// <summary>
/// Signs every request (each retry attempt afresh) with the Blob service's Shared Key scheme:
/// sets <c>x-ms-date</c> and <c>x-ms-version</c>, then <c>Authorization: SharedKey account:signature</c>.
/// </summary>
public sealed class SharedKeySigningHandler : DelegatingHandler
{
    private readonly string _accountName;
    private readonly byte[] _key;
    private readonly TimeProvider _timeProvider;

    public SharedKeySigningHandler(string accountName, ReadOnlyMemory<byte> accountKey, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountName);
        if (accountKey.IsEmpty)
        {
            throw new ArgumentException("The account key is empty.", nameof(accountKey));
        }

        _accountName = accountName;
        _key = accountKey.ToArray();
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    public SharedKeySigningHandler(string accountName, ReadOnlyMemory<byte> accountKey, HttpMessageHandler innerHandler, TimeProvider? timeProvider = null)
        : this(accountName, accountKey, timeProvider)
    {
        InnerHandler = innerHandler;
    }

    /// <summary>
    /// The Shared Key string-to-sign for the Blob service (version 2015-02-21 and later):
    /// <c>VERB\nContent-Encoding\nContent-Language\nContent-Length\nContent-MD5\nContent-Type\nDate\nIf-Modified-Since\nIf-Match\nIf-None-Match\nIf-Unmodified-Since\nRange\n</c>
    /// followed by the canonicalized <c>x-ms-</c> headers (<c>name:value\n</c>, names lowercased and sorted)
    /// and the canonicalized resource (<c>/account/path</c>, then <c>\nname:value</c> for each query
    /// parameter, names lowercased and sorted, values URL-decoded, repeated values comma-joined in sorted order).
    /// Content-Length is empty when the body is empty.
    /// </summary>
    public static string BuildStringToSign(HttpRequestMessage request, string accountName)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.RequestUri);

        var contentLength = request.Content?.Headers.ContentLength;
        var text = new StringBuilder(256);
        text.Append(request.Method.Method.ToUpperInvariant()).Append('\n');
        AppendLine(text, AzureHeaders.Get(request, "Content-Encoding"));
        AppendLine(text, AzureHeaders.Get(request, "Content-Language"));
        AppendLine(text, contentLength is null or 0 ? null : contentLength.Value.ToString(CultureInfo.InvariantCulture));
        AppendLine(text, AzureHeaders.Get(request, "Content-MD5"));
        AppendLine(text, AzureHeaders.Get(request, "Content-Type"));
        AppendLine(text, AzureHeaders.Get(request, "Date"));
        AppendLine(text, AzureHeaders.Get(request, "If-Modified-Since"));
        AppendLine(text, AzureHeaders.Get(request, "If-Match"));
        AppendLine(text, AzureHeaders.Get(request, "If-None-Match"));
        AppendLine(text, AzureHeaders.Get(request, "If-Unmodified-Since"));
        AppendLine(text, AzureHeaders.Get(request, "Range"));
        AppendCanonicalizedHeaders(text, request);
        AppendCanonicalizedResource(text, request.RequestUri, accountName);
        return text.ToString();
    }

    /// <summary>Base64 HMAC-SHA256 of the UTF-8 string-to-sign under the account key.</summary>
    public static string ComputeSignature(string stringToSign, ReadOnlySpan<byte> accountKey) =>
        Convert.ToBase64String(HMACSHA256.HashData(accountKey, Encoding.UTF8.GetBytes(stringToSign)));

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Remove(AzureHeaders.Date);
        request.Headers.Remove(AzureHeaders.Version);
        request.Headers.Authorization = null;
        request.Headers.TryAddWithoutValidation(AzureHeaders.Date, _timeProvider.GetUtcNow().ToString("r", CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(AzureHeaders.Version, AzureHeaders.ApiVersion);

        var signature = ComputeSignature(BuildStringToSign(request, _accountName), _key);
        request.Headers.TryAddWithoutValidation("Authorization", $"SharedKey {_accountName}:{signature}");
        return base.SendAsync(request, cancellationToken);
    }

    private static void AppendLine(StringBuilder text, string? value) => text.Append(value).Append('\n');

    private static void AppendCanonicalizedHeaders(StringBuilder text, HttpRequestMessage request)
    {
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in request.Headers.NonValidated)
        {
            if (name.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
            {
                headers.Add(new(name.ToLowerInvariant(), string.Join(",", values)));
            }
        }

        headers.Sort(static (a, b) => HeaderNameComparer.Instance.Compare(a.Key, b.Key));
        foreach (var (name, value) in headers)
        {
            text.Append(name).Append(':').Append(value.Trim()).Append('\n');
        }
    }

    private static void AppendCanonicalizedResource(StringBuilder text, Uri uri, string accountName)
    {
        text.Append('/').Append(accountName).Append(uri.AbsolutePath);
        var query = uri.Query;
        if (query.Length <= 1)
        {
            return;
        }

        var parameters = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var pair in query[1..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]).ToLowerInvariant();
            var value = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            if (!parameters.TryGetValue(name, out var list))
            {
                parameters[name] = list = [];
            }

            list.Add(value);
        }

        foreach (var (name, values) in parameters)
        {
            values.Sort(StringComparer.Ordinal);
            text.Append('\n').Append(name).Append(':').Append(string.Join(",", values));
        }
    }
}
