namespace Platform.Streams.Api.Auth;

/// <summary>
/// The outcome of <see cref="SigV4Verifier"/>: either the authenticated access key id, or the AWS error
/// type and message to answer with (HTTP 403, body <c>{"__type": ErrorType, "message": Message}</c>).
/// </summary>
public readonly record struct SigV4VerificationResult
{
    private SigV4VerificationResult(string? accessKeyId, string? errorType, string? message)
    {
        AccessKeyId = accessKeyId;
        ErrorType = errorType;
        Message = message;
    }

    public bool IsOk => ErrorType is null;

    /// <summary>The access key id whose secret signed the request; null on failure.</summary>
    public string? AccessKeyId { get; }

    /// <summary>One of <see cref="SigV4ErrorTypes"/>; null on success.</summary>
    public string? ErrorType { get; }

    public string? Message { get; }

    public static SigV4VerificationResult Ok(string accessKeyId) => new(accessKeyId, null, null);

    public static SigV4VerificationResult Fail(string errorType, string message) => new(null, errorType, message);

    public override string ToString() => IsOk ? $"Ok ({AccessKeyId})" : $"{ErrorType}: {Message}";
}
