namespace Platform.Video.Api;

/// <summary>An error the video API answers with: a Kinesis Video Streams error type, a message naming the problem, and its HTTP status.</summary>
public sealed class VideoApiException : Exception
{
    public const string InvalidArgument = "InvalidArgumentException";
    public const string ResourceNotFound = "ResourceNotFoundException";
    public const string NoDataRetention = "NoDataRetentionException";
    public const string NotAuthorized = "NotAuthorizedException";
    public const string ClientLimitExceeded = "ClientLimitExceededException";

    public VideoApiException(string errorType, string message, int statusCode)
        : base(message)
    {
        ErrorType = errorType;
        StatusCode = statusCode;
    }

    public VideoApiException()
        : this(InvalidArgument, "The request is not valid.", 400)
    {
    }

    public VideoApiException(string message)
        : this(InvalidArgument, message, 400)
    {
    }

    public VideoApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorType = InvalidArgument;
        StatusCode = 400;
    }

    public string ErrorType { get; }

    public int StatusCode { get; }

    public static VideoApiException Invalid(string message) => new(InvalidArgument, message, 400);

    public static VideoApiException Missing(string member) => new(InvalidArgument, $"{member} is required.", 400);

    public static VideoApiException NotFound(string message) => new(ResourceNotFound, message, 404);
}
