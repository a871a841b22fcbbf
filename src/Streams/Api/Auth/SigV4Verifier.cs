using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Platform.Streams.Client.Auth;

namespace Platform.Streams.Api.Auth;

/// <summary>
/// Verifies AWS Signature Version 4 on incoming requests, in the Authorization header form or the
/// presigned query form, against a fixed set of access keys. Thread-safe; one instance serves all requests.
/// </summary>
/// <remarks>
/// Checks run in the order AWS reports them: no signature at all, then form (algorithm, parameters,
/// credential scope, date), then the access key, then the clock, then the payload hash, then the
/// signature itself, compared in constant time. Failures are results, not exceptions.
/// </remarks>
public sealed class SigV4Verifier
{
    private const string AmzDateHeader = "X-Amz-Date";
    private const string ContentSha256Header = "x-amz-content-sha256";

    private const string MismatchMessage =
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

    private readonly FrozenDictionary<string, string> _secrets;
    private readonly TimeProvider _timeProvider;
    private readonly SigV4VerifierOptions _options;
    private readonly ConcurrentDictionary<string, SigningKey> _keys = new(StringComparer.Ordinal);

    public SigV4Verifier(IReadOnlyDictionary<string, string> secretsByAccessKeyId, TimeProvider timeProvider, SigV4VerifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(secretsByAccessKeyId);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options ?? new SigV4VerifierOptions();
        _options.Validate();
        foreach (var (id, secret) in secretsByAccessKeyId)
        {
            if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(secret))
            {
                throw new ArgumentException("Access key ids and secrets must not be empty.", nameof(secretsByAccessKeyId));
            }
        }

        _secrets = secretsByAccessKeyId.ToFrozenDictionary(StringComparer.Ordinal);
        _timeProvider = timeProvider;
    }

    /// <summary>Verifies a request whose whole body is <paramref name="payload"/>.</summary>
    public SigV4VerificationResult Verify(HttpRequest request, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(request);
        return VerifyCore(request, SigV4.HashPayload(payload));
    }

    /// <summary>
    /// Verifies a request whose body the caller hashed itself (lowercase or uppercase hex SHA-256),
    /// for example while streaming it. A <c>x-amz-content-sha256</c> header must then equal this hash.
    /// </summary>
    public SigV4VerificationResult Verify(HttpRequest request, string payloadSha256Hex)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(payloadSha256Hex);
        return VerifyCore(request, payloadSha256Hex.ToLowerInvariant());
    }

    private SigV4VerificationResult VerifyCore(HttpRequest request, string bodyHash)
    {
        var header = request.Headers.Authorization;
        var presigned = request.Query.ContainsKey(SigV4Authorization.AlgorithmParameter);
        if (header.Count > 0 && presigned)
        {
            return Invalid("Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.");
        }

        if (header.Count == 0 && !presigned)
        {
            return SigV4VerificationResult.Fail(SigV4ErrorTypes.MissingAuthenticationToken, "Missing Authentication Token");
        }

        if (header.Count > 1)
        {
            return Incomplete("Only one Authorization header is allowed.");
        }

        var headerValue = header.Count == 1 ? header[0] ?? string.Empty : string.Empty;
        if (headerValue.Length > _options.MaxAuthorizationLength)
        {
            return Incomplete($"The Authorization header is longer than {_options.MaxAuthorizationLength} characters.");
        }

        var auth = presigned
            ? SigV4Authorization.ParseQuery(request.Query, out var parseError)
            : SigV4Authorization.ParseHeader(headerValue, out parseError);
        if (auth is null)
        {
            return Incomplete(parseError!);
        }

        var amzDate = auth.Presigned ? auth.PresignedAmzDate! : SingleHeader(request, AmzDateHeader);
        if (amzDate is null)
        {
            return Incomplete("Authorization header requires existence of a 'X-Amz-Date' header.");
        }

        if (!SigV4.TryParseAmzDate(amzDate, out var signedAt))
        {
            return Incomplete($"X-Amz-Date must be in ISO-8601 basic format (yyyyMMddTHHmmssZ), not '{Truncate(amzDate)}'.");
        }

        if (!amzDate.StartsWith(auth.ScopeDate, StringComparison.Ordinal))
        {
            return Invalid($"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{auth.ScopeDate}' != '{amzDate[..8]}', from '{amzDate}'.");
        }

        if (_options.Region is { } region && auth.Region != region)
        {
            return Invalid($"Credential should be scoped to a valid region, not '{Truncate(auth.Region)}'.");
        }

        if (_options.Service is { } service && auth.Service != service)
        {
            return Invalid($"Credential should be scoped to correct service: '{service}'.");
        }

        if (!_secrets.TryGetValue(auth.AccessKeyId, out var secret))
        {
            return SigV4VerificationResult.Fail(SigV4ErrorTypes.UnrecognizedClient, "The security token included in the request is invalid.");
        }

        if (CheckClock(auth, amzDate, signedAt) is { } clockError)
        {
            return clockError;
        }

        var payloadHash = bodyHash;
        if (SingleHeader(request, ContentSha256Header) is { } claimed)
        {
            if (claimed == SigV4.UnsignedPayload)
            {
                if (!_options.AllowUnsignedPayload)
                {
                    return Invalid("This service does not accept UNSIGNED-PAYLOAD; sign the payload.");
                }

                payloadHash = SigV4.UnsignedPayload;
            }
            else if (!string.Equals(claimed, bodyHash, StringComparison.OrdinalIgnoreCase))
            {
                return Invalid("The provided 'x-amz-content-sha256' header does not match what was computed.");
            }
        }

        var headers = SignedHeaderValues(request, auth.SignedHeaders, out var headerError);
        if (headers is null)
        {
            return Incomplete(headerError!);
        }

        var canonicalRequest = SigV4.CanonicalRequest(request.Method, SigV4.CanonicalUri(RawPath(request)),
            SigV4.CanonicalQueryString(request.QueryString.Value, auth.Presigned ? SigV4Authorization.SignatureParameter : null),
            headers, auth.SignedHeaders, payloadHash);
        var scope = auth.CredentialScope;
        var stringToSign = SigV4.StringToSign(amzDate, scope, canonicalRequest);

        Span<byte> expected = stackalloc byte[32];
        SigV4.ComputeSignature(KeyFor(auth.AccessKeyId, secret, auth), stringToSign, expected);
        Span<byte> provided = stackalloc byte[32];
        var wellFormed = auth.Signature.Length == SigV4.SignatureHexLength &&
                         Convert.FromHexString(auth.Signature, provided, out _, out var written) == System.Buffers.OperationStatus.Done &&
                         written == 32;
        if (!wellFormed | !CryptographicOperations.FixedTimeEquals(expected, provided))
        {
            return Invalid(MismatchMessage + "\n\nThe Canonical String for this request should have been\n'" + canonicalRequest +
                           "'\n\nThe String-to-Sign should have been\n'" + stringToSign + "'\n");
        }

        return SigV4VerificationResult.Ok(auth.AccessKeyId);
    }

    private SigV4VerificationResult? CheckClock(SigV4Authorization auth, string amzDate, DateTimeOffset signedAt)
    {
        var now = _timeProvider.GetUtcNow();
        var skew = _options.MaxClockSkew;
        var minutes = skew.TotalMinutes.ToString("0.##", CultureInfo.InvariantCulture);
        if (signedAt > now + skew)
        {
            return Invalid($"Signature not yet current: {amzDate} is still later than {SigV4.FormatAmzDate(now + skew)} ({SigV4.FormatAmzDate(now)} + {minutes} min.)");
        }

        if (auth.Presigned)
        {
            var expires = _options.MaxClockSkew;
            if (auth.PresignedExpires is { } text)
            {
                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds < 1 ||
                    seconds > _options.MaxPresignedExpiry.TotalSeconds)
                {
                    return Incomplete($"X-Amz-Expires must be a whole number of seconds from 1 to {_options.MaxPresignedExpiry.TotalSeconds:0}, not '{Truncate(text)}'.");
                }

                expires = TimeSpan.FromSeconds(seconds);
            }

            return signedAt + expires < now
                ? Invalid($"Signature expired: {amzDate} plus X-Amz-Expires ({expires.TotalSeconds:0} s) is earlier than {SigV4.FormatAmzDate(now)}.")
                : null;
        }

        return signedAt < now - skew
            ? Invalid($"Signature expired: {amzDate} is now earlier than {SigV4.FormatAmzDate(now - skew)} ({SigV4.FormatAmzDate(now)} - {minutes} min.)")
            : null;
    }

    private List<KeyValuePair<string, string>>? SignedHeaderValues(HttpRequest request, string signedHeaders, out string? error)
    {
        var names = signedHeaders.Split(';');
        if (names.Length > _options.MaxSignedHeaders)
        {
            error = $"A request may sign at most {_options.MaxSignedHeaders} headers, not {names.Length}.";
            return null;
        }

        var values = new List<KeyValuePair<string, string>>(names.Length);
        var total = 0;
        var hasHost = false;
        foreach (var name in names)
        {
            if (name.Length == 0 || name.AsSpan().ContainsAnyInRange('A', 'Z'))
            {
                error = $"SignedHeaders must be lowercase header names separated by ';', not '{Truncate(signedHeaders)}'.";
                return null;
            }

            hasHost |= name == "host";
            var value = HeaderValue(request, name);
            total += value.Length;
            if (total > _options.MaxSignedHeaderChars)
            {
                error = $"The signed headers add up to more than {_options.MaxSignedHeaderChars} characters.";
                return null;
            }

            values.Add(new(name, value));
        }

        if (!hasHost)
        {
            error = "'Host' must be a 'SignedHeader' in the AWS Authorization.";
            return null;
        }

        error = null;
        return values;
    }

    private static string HeaderValue(HttpRequest request, string name)
    {
        var values = request.Headers[name];
        return values.Count switch
        {
            0 => string.Empty,
            1 => values[0] ?? string.Empty,
            _ => string.Join(',', (IEnumerable<string?>)values),
        };
    }

    private static string? SingleHeader(HttpRequest request, string name)
    {
        StringValues values = request.Headers[name];
        return values.Count == 1 ? values[0] : null;
    }

    /// <summary>The path as the client sent it (still percent-encoded), which is what the client signed.</summary>
    private static string RawPath(HttpRequest request)
    {
        var raw = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (!string.IsNullOrEmpty(raw) && raw[0] == '/')
        {
            var query = raw.IndexOf('?', StringComparison.Ordinal);
            return query < 0 ? raw : raw[..query];
        }

        // No raw target (absolute-form or a synthetic request): re-encode the decoded path as a client would.
        var path = request.PathBase.Add(request.Path).Value;
        return string.IsNullOrEmpty(path) ? "/" : string.Join('/', path.Split('/').Select(static s => SigV4.UriEncode(s)));
    }

    private byte[] KeyFor(string accessKeyId, string secret, SigV4Authorization auth)
    {
        var scope = auth.CredentialScope;
        if (_keys.TryGetValue(accessKeyId, out var cached) && cached.Scope == scope)
        {
            return cached.Key;
        }

        var key = new byte[32];
        SigV4.DeriveSigningKey(secret, auth.ScopeDate, auth.Region, auth.Service, key);
        _keys[accessKeyId] = new SigningKey(scope, key);
        return key;
    }

    private static SigV4VerificationResult Incomplete(string message) => SigV4VerificationResult.Fail(SigV4ErrorTypes.IncompleteSignature, message);

    private static SigV4VerificationResult Invalid(string message) => SigV4VerificationResult.Fail(SigV4ErrorTypes.InvalidSignature, message);

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "...";

    /// <summary>The derived key of one access key for its most recent scope; a day's requests reuse it.</summary>
    private sealed record SigningKey(string Scope, byte[] Key);
}
