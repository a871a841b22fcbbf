namespace Platform.Video.Streams;

/// <summary>Kinesis Video Streams error types (the <c>__type</c> of an error body) and the statuses AWS answers them with.</summary>
public static class VideoStreamErrors
{
    public const string ResourceNotFound = "ResourceNotFoundException";
    public const string ResourceInUse = "ResourceInUseException";
    public const string InvalidArgument = "InvalidArgumentException";
    public const string VersionMismatch = "VersionMismatchException";
    public const string ClientLimitExceeded = "ClientLimitExceededException";

    public static VideoStreamException NotFound(string name) => new(ResourceNotFound, $"The stream {name} does not exist.", 404);

    public static VideoStreamException InUse(string message) => new(ResourceInUse, message);

    public static VideoStreamException Invalid(string message) => new(InvalidArgument, message);

    public static VideoStreamException Mismatch(string name, string expected, string actual) =>
        new(VersionMismatch, $"The stream {name} is at version {actual}, not {expected}; describe it again and retry with its current version.");

    public static VideoStreamException Limit(string message) => new(ClientLimitExceeded, message);
}
