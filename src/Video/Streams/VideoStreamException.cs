namespace Platform.Video.Streams;

/// <summary>
/// An error the video stream API answers with: the Kinesis Video Streams error type (see <see cref="VideoStreamErrors"/>),
/// a message naming the problem, and the HTTP status it maps to.
/// </summary>
public sealed class VideoStreamException : Exception
{
    public VideoStreamException(string errorType, string message, int statusCode = 400)
        : base(message)
    {
        ErrorType = errorType;
        StatusCode = statusCode;
    }

    public VideoStreamException()
        : this(VideoStreamErrors.ClientLimitExceeded, "Request refused.")
    {
    }

    public VideoStreamException(string message)
        : this(VideoStreamErrors.InvalidArgument, message)
    {
    }

    public VideoStreamException(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorType = VideoStreamErrors.InvalidArgument;
        StatusCode = 400;
    }

    public string ErrorType { get; }

    public int StatusCode { get; }
}
