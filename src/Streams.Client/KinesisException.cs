using System.Net;

namespace Platform.Streams.Client;

/// <summary>
/// A Kinesis error: the service's error type and message with the HTTP status, or a client-side
/// <see cref="KinesisErrorTypes.NetworkError"/> / <see cref="KinesisErrorTypes.Timeout"/> with no status.
/// <see cref="IsTransient"/> says whether the same request may succeed later.
/// </summary>
public sealed class KinesisException : Exception
{
    public KinesisException()
        : this(KinesisErrorTypes.ClientError, "Kinesis request failed.", null)
    {
    }

    public KinesisException(string message)
        : this(KinesisErrorTypes.ClientError, message, null)
    {
    }

    public KinesisException(string message, Exception innerException)
        : this(KinesisErrorTypes.ClientError, message, null, innerException)
    {
    }

    public KinesisException(string errorType, string message, HttpStatusCode? statusCode, Exception? innerException = null, string? requestId = null)
        : base(message, innerException)
    {
        ErrorType = errorType;
        StatusCode = statusCode;
        RequestId = requestId;
    }

    /// <summary>The AWS error type without namespace, for example <c>ResourceNotFoundException</c>.</summary>
    public string ErrorType { get; }

    /// <summary>The HTTP status; null when no response arrived.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The service's <c>x-amzn-RequestId</c>, when it sent one.</summary>
    public string? RequestId { get; }

    /// <summary>Any 5xx, throttling (ProvisionedThroughputExceeded, LimitExceeded), or no response at all.</summary>
    public bool IsTransient => (int?)StatusCode >= 500 || KinesisErrorTypes.IsTransient(ErrorType);

    /// <summary>The service asked the caller to slow down.</summary>
    public bool IsThrottling => KinesisErrorTypes.IsThrottling(ErrorType);

    public override string ToString() => $"{nameof(KinesisException)} {ErrorType} ({(StatusCode is { } s ? (int)s : "no response")}): {base.ToString()}";
}
