namespace Platform.Streams.Api.Auth;

/// <summary>The AWS error types (<c>__type</c>) an authentication failure answers with; all go out as HTTP 403.</summary>
public static class SigV4ErrorTypes
{
    /// <summary>No Authorization header and no presigned query parameters.</summary>
    public const string MissingAuthenticationToken = "MissingAuthenticationTokenException";

    /// <summary>The Authorization header or presigned query is malformed or lacks a part.</summary>
    public const string IncompleteSignature = "IncompleteSignatureException";

    /// <summary>The access key id is not known.</summary>
    public const string UnrecognizedClient = "UnrecognizedClientException";

    /// <summary>The signature does not match, is expired or not yet valid, or is scoped wrongly.</summary>
    public const string InvalidSignature = "InvalidSignatureException";
}
