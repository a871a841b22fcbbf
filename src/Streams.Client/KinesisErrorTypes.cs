namespace Platform.Streams.Client;

/// <summary>
/// Error types (<c>__type</c>) Kinesis answers with, plus three the client uses when there was no
/// usable answer: <see cref="NetworkError"/>, <see cref="Timeout"/> and <see cref="InvalidResponse"/>.
/// </summary>
public static class KinesisErrorTypes
{
    public const string ResourceNotFound = "ResourceNotFoundException";
    public const string ResourceInUse = "ResourceInUseException";
    public const string InvalidArgument = "InvalidArgumentException";
    public const string Validation = "ValidationException";
    public const string AccessDenied = "AccessDeniedException";
    public const string LimitExceeded = "LimitExceededException";
    public const string ProvisionedThroughputExceeded = "ProvisionedThroughputExceededException";
    public const string ExpiredIterator = "ExpiredIteratorException";
    public const string ExpiredNextToken = "ExpiredNextTokenException";
    public const string KmsThrottling = "KMSThrottlingException";
    public const string Throttling = "ThrottlingException";
    public const string InternalFailure = "InternalFailure";
    public const string ServiceUnavailable = "ServiceUnavailable";

    /// <summary>The request could not be sent or its response not read (connection refused or reset).</summary>
    public const string NetworkError = "NetworkError";

    /// <summary>No response within the HttpClient's timeout.</summary>
    public const string Timeout = "Timeout";

    /// <summary>The request could not be made at all (for example a disposed HttpClient); not worth retrying.</summary>
    public const string ClientError = "ClientError";

    /// <summary>A success status with a body that is not the expected JSON.</summary>
    public const string InvalidResponse = "InvalidResponse";

    /// <summary>Throttling: the caller should back off and try again.</summary>
    public static bool IsThrottling(string? errorType) =>
        errorType is ProvisionedThroughputExceeded or LimitExceeded or Throttling or KmsThrottling;

    /// <summary>Worth retrying as is, after a pause: throttling, the service's own failures, no answer.</summary>
    public static bool IsTransient(string? errorType) =>
        IsThrottling(errorType) || errorType is InternalFailure or ServiceUnavailable or NetworkError or Timeout;
}
