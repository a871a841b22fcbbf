using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Platform.Streams.Client.Auth;

/// <summary>Signs an outgoing <see cref="HttpRequestMessage"/> with AWS Signature Version 4 (Authorization header form).</summary>
public static class SigV4Signer
{
    public const string AmzDateHeader = "X-Amz-Date";
    public const string SecurityTokenHeader = "X-Amz-Security-Token";
    public const string TargetHeader = "X-Amz-Target";

    /// <summary>
    /// Adds <c>X-Amz-Date</c>, <c>X-Amz-Security-Token</c> (temporary credentials only) and
    /// <c>Authorization</c>, replacing earlier ones so a retried request can be signed again. Signs
    /// <c>content-type</c> (when there is content), <c>host</c> (set explicitly from the request URI
    /// unless already set, so the signed value is the one sent), <c>x-amz-date</c>,
    /// <c>x-amz-security-token</c> and <c>x-amz-target</c> (when present). <paramref name="payload"/>
    /// must be exactly the bytes of the request content.
    /// </summary>
    public static void Sign(HttpRequestMessage request, ReadOnlySpan<byte> payload, AwsCredentials credentials, string region, string service,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrEmpty(region);
        ArgumentException.ThrowIfNullOrEmpty(service);
        var uri = request.RequestUri ?? throw new ArgumentException("The request has no RequestUri.", nameof(request));
        if (!uri.IsAbsoluteUri)
        {
            throw new ArgumentException("The request URI must be absolute to be signed.", nameof(request));
        }

        var headers = request.Headers;
        headers.Remove(AmzDateHeader);
        headers.Remove(SecurityTokenHeader);
        headers.Authorization = null;

        var amzDate = SigV4.FormatAmzDate(now);
        headers.TryAddWithoutValidation(AmzDateHeader, amzDate);
        headers.Host ??= HostHeader(uri);

        // Sorted by lowercase name: content-type < host < x-amz-date < x-amz-security-token < x-amz-target.
        var signed = new List<KeyValuePair<string, string>>(5);
        if (request.Content?.Headers.ContentType is { } contentType)
        {
            signed.Add(new("content-type", contentType.ToString()));
        }

        signed.Add(new("host", headers.Host));
        signed.Add(new("x-amz-date", amzDate));
        if (credentials.SessionToken is { } token)
        {
            headers.TryAddWithoutValidation(SecurityTokenHeader, token);
            signed.Add(new("x-amz-security-token", token));
        }

        if (headers.TryGetValues(TargetHeader, out var targets))
        {
            signed.Add(new("x-amz-target", string.Join(',', targets)));
        }

        var signedHeaders = SignedHeaderList(signed);
        var scope = SigV4.CredentialScope(amzDate[..8], region, service);
        Span<char> payloadHash = stackalloc char[64];
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(payload, hash);
        Convert.TryToHexStringLower(hash, payloadHash, out _);

        Span<byte> signingKey = stackalloc byte[32];
        SigV4.DeriveSigningKey(credentials.SecretAccessKey, amzDate.AsSpan(0, 8), region, service, signingKey);

        Span<byte> signature = stackalloc byte[32];
        var canonical = new PooledCharBuilder(stackalloc char[512]);
        try
        {
            SigV4.WriteCanonicalRequest(ref canonical, request.Method.Method, SigV4.CanonicalUri(uri.AbsolutePath),
                SigV4.CanonicalQueryString(uri.Query), signed, signedHeaders, payloadHash);
            SigV4.ComputeSignature(signingKey, amzDate, scope, canonical.Written, signature);
        }
        finally
        {
            canonical.Dispose();
            CryptographicOperations.ZeroMemory(signingKey);
        }

        headers.Authorization = new AuthenticationHeaderValue(SigV4.Algorithm,
            string.Concat("Credential=", credentials.AccessKeyId, "/", scope, ", SignedHeaders=", signedHeaders, ", Signature=",
                Convert.ToHexStringLower(signature)));
    }

    /// <summary>
    /// Returns <paramref name="uri"/> with the SigV4 query parameters appended (X-Amz-Algorithm,
    /// X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders, X-Amz-Security-Token when
    /// temporary, X-Amz-Signature): a URL anyone may use until it expires. Signs the host and an empty
    /// payload, so it suits requests without a body.
    /// </summary>
    public static Uri Presign(HttpMethod method, Uri uri, AwsCredentials credentials, string region, string service, DateTimeOffset now,
        TimeSpan expires)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrEmpty(region);
        ArgumentException.ThrowIfNullOrEmpty(service);
        ArgumentOutOfRangeException.ThrowIfLessThan(expires, TimeSpan.FromSeconds(1));
        if (!uri.IsAbsoluteUri)
        {
            throw new ArgumentException("The URI must be absolute to be presigned.", nameof(uri));
        }

        var amzDate = SigV4.FormatAmzDate(now);
        var scope = SigV4.CredentialScope(amzDate[..8], region, service);
        var query = new System.Text.StringBuilder(uri.Query.TrimStart('?'));
        void Add(string name, string value) =>
            query.Append(query.Length == 0 ? "" : "&").Append(name).Append('=').Append(SigV4.UriEncode(value));

        Add("X-Amz-Algorithm", SigV4.Algorithm);
        Add("X-Amz-Credential", credentials.AccessKeyId + "/" + scope);
        Add("X-Amz-Date", amzDate);
        Add("X-Amz-Expires", ((long)expires.TotalSeconds).ToString(CultureInfo.InvariantCulture));
        if (credentials.SessionToken is { } token)
        {
            Add("X-Amz-Security-Token", token);
        }

        Add("X-Amz-SignedHeaders", "host");
        var canonical = SigV4.CanonicalRequest(method.Method, SigV4.CanonicalUri(uri.AbsolutePath), SigV4.CanonicalQueryString(query.ToString()),
            [new("host", HostHeader(uri))], "host", SigV4.EmptyPayloadHash);
        Span<byte> signingKey = stackalloc byte[32];
        SigV4.DeriveSigningKey(credentials.SecretAccessKey, amzDate.AsSpan(0, 8), region, service, signingKey);
        var signature = SigV4.Signature(signingKey, SigV4.StringToSign(amzDate, scope, canonical));
        CryptographicOperations.ZeroMemory(signingKey);
        Add("X-Amz-Signature", signature);
        return new UriBuilder(uri) { Query = query.ToString() }.Uri;
    }

    /// <summary>The Host header value HttpClient would send for <paramref name="uri"/>: IDN host, brackets for IPv6, port unless default.</summary>
    public static string HostHeader(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var host = uri.IdnHost;
        if (uri.HostNameType == UriHostNameType.IPv6 && !host.StartsWith('['))
        {
            host = "[" + host + "]";
        }

        return uri.IsDefaultPort ? host : host + ":" + uri.Port.ToString(CultureInfo.InvariantCulture);
    }

    private static string SignedHeaderList(List<KeyValuePair<string, string>> headers)
    {
        var names = new string[headers.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = headers[i].Key;
        }

        return string.Join(';', names);
    }
}
