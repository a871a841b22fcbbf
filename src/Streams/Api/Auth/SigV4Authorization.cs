using Microsoft.AspNetCore.Http;
using Platform.Streams.Client.Auth;

namespace Platform.Streams.Api.Auth;

/// <summary>
/// The signature parameters of one request, from its Authorization header or its presigned query
/// (X-Amz-Algorithm, X-Amz-Credential, ...). Parsing checks form only; <see cref="SigV4Verifier"/>
/// checks meaning.
/// </summary>
internal sealed record SigV4Authorization(
    string AccessKeyId,
    string ScopeDate,
    string Region,
    string Service,
    string SignedHeaders,
    string Signature,
    bool Presigned,
    string? PresignedAmzDate,
    string? PresignedExpires)
{
    public const string AlgorithmParameter = "X-Amz-Algorithm";
    public const string CredentialParameter = "X-Amz-Credential";
    public const string DateParameter = "X-Amz-Date";
    public const string SignedHeadersParameter = "X-Amz-SignedHeaders";
    public const string SignatureParameter = "X-Amz-Signature";
    public const string ExpiresParameter = "X-Amz-Expires";

    public string CredentialScope => SigV4.CredentialScope(ScopeDate, Region, Service);

    /// <summary>Parses <c>AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...</c>.</summary>
    public static SigV4Authorization? ParseHeader(string header, out string? error)
    {
        var space = header.IndexOf(' ', StringComparison.Ordinal);
        var algorithm = space < 0 ? header : header[..space];
        if (algorithm != SigV4.Algorithm)
        {
            error = $"Unsupported AWS 'algorithm': '{Truncate(algorithm)}'; only {SigV4.Algorithm} is supported.";
            return null;
        }

        string? credential = null, signedHeaders = null, signature = null;
        var rest = space < 0 ? ReadOnlySpan<char>.Empty : header.AsSpan(space + 1);
        foreach (var range in rest.Split(','))
        {
            var part = rest[range].Trim();
            var equals = part.IndexOf('=');
            if (equals <= 0)
            {
                continue;
            }

            var value = part[(equals + 1)..].Trim().ToString();
            switch (part[..equals].Trim())
            {
                case "Credential":
                    credential = value;
                    break;
                case "SignedHeaders":
                    signedHeaders = value;
                    break;
                case "Signature":
                    signature = value;
                    break;
            }
        }

        var missing = Missing("Authorization header requires '", "' parameter. ",
            ("Credential", credential), ("SignedHeaders", signedHeaders), ("Signature", signature));
        if (missing is not null)
        {
            error = missing.TrimEnd();
            return null;
        }

        return FromParts(credential!, signedHeaders!, signature!, presigned: false, null, null, out error);
    }

    /// <summary>Parses the presigned query parameters; ASP.NET Core has already percent-decoded them.</summary>
    public static SigV4Authorization? ParseQuery(IQueryCollection query, out string? error)
    {
        string? Get(string name) => query.TryGetValue(name, out var v) && v.Count == 1 && !string.IsNullOrEmpty(v[0]) ? v[0] : null;

        var algorithm = Get(AlgorithmParameter);
        var credential = Get(CredentialParameter);
        var amzDate = Get(DateParameter);
        var signedHeaders = Get(SignedHeadersParameter);
        var signature = Get(SignatureParameter);
        var missing = Missing("AWS query-string parameters must include '", "'. ",
            (AlgorithmParameter, algorithm), (CredentialParameter, credential), (DateParameter, amzDate),
            (SignedHeadersParameter, signedHeaders), (SignatureParameter, signature));
        if (missing is not null)
        {
            error = missing + "Re-examine the query-string parameters.";
            return null;
        }

        if (algorithm != SigV4.Algorithm)
        {
            error = $"Unsupported AWS 'algorithm': '{Truncate(algorithm!)}'; only {SigV4.Algorithm} is supported.";
            return null;
        }

        return FromParts(credential!, signedHeaders!, signature!, presigned: true, amzDate, Get(ExpiresParameter), out error);
    }

    private static SigV4Authorization? FromParts(string credential, string signedHeaders, string signature, bool presigned, string? amzDate,
        string? expires, out string? error)
    {
        // access key id / yyyyMMdd / region / service / aws4_request
        var parts = credential.Split('/');
        if (parts.Length != 5 || parts[0].Length == 0 || parts[2].Length == 0 || parts[3].Length == 0)
        {
            error = $"Credential should be scoped to a valid scope of the form <access key id>/<yyyyMMdd>/<region>/<service>/aws4_request, not '{Truncate(credential)}'.";
            return null;
        }

        if (parts[1].Length != 8 || parts[1].AsSpan().ContainsAnyExceptInRange('0', '9'))
        {
            error = $"Credential scope date must be yyyyMMdd, not '{Truncate(parts[1])}'.";
            return null;
        }

        if (parts[4] != SigV4.Terminator)
        {
            error = $"Credential should be scoped with a valid terminator: 'aws4_request', not '{Truncate(parts[4])}'.";
            return null;
        }

        error = null;
        return new SigV4Authorization(parts[0], parts[1], parts[2], parts[3], signedHeaders, signature, presigned, amzDate, expires);
    }

    private static string? Missing(string before, string after, params ReadOnlySpan<(string Name, string? Value)> parameters)
    {
        string? message = null;
        foreach (var (name, value) in parameters)
        {
            if (string.IsNullOrEmpty(value))
            {
                message += before + name + after;
            }
        }

        return message;
    }

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "...";
}
