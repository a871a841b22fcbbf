namespace Platform.Streams.Service;

/// <summary>
/// An error the Kinesis API answers with: the AWS error type (the <c>__type</c> of the JSON body), a message
/// that names the problem, and the HTTP status.
/// </summary>
public sealed class KinesisException : Exception
{
    public KinesisException(string errorType, string message, int statusCode = 400)
        : base(message)
    {
        ErrorType = errorType;
        StatusCode = statusCode;
    }

    public KinesisException()
        : this(KinesisErrors.InternalFailure, "Internal failure.", 500)
    {
    }

    public KinesisException(string message)
        : this(KinesisErrors.InvalidArgumentType, message)
    {
    }

    public KinesisException(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorType = KinesisErrors.InternalFailure;
        StatusCode = 500;
    }

    public string ErrorType { get; }

    public int StatusCode { get; }
}

/// <summary>The AWS error types the stream API uses, and helpers that phrase them.</summary>
public static class KinesisErrors
{
    public const string ResourceNotFound = "ResourceNotFoundException";
    public const string ResourceInUse = "ResourceInUseException";
    public const string InvalidArgumentType = "InvalidArgumentException";
    public const string Validation = "ValidationException";
    public const string LimitExceeded = "LimitExceededException";
    public const string ProvisionedThroughputExceeded = "ProvisionedThroughputExceededException";
    public const string ExpiredIterator = "ExpiredIteratorException";
    public const string ExpiredNextToken = "ExpiredNextTokenException";
    public const string AccessDenied = "AccessDeniedException";
    public const string InternalFailure = "InternalFailure";
    public const string Serialization = "SerializationException";
    public const string UnknownOperation = "UnknownOperationException";

    public static KinesisException StreamNotFound(string name, string account) =>
        new(ResourceNotFound, $"Stream {name} under account {account} not found.");

    public static KinesisException InvalidArgument(string message) => new(InvalidArgumentType, message);

    /// <summary>Phrased like AWS's constraint errors: "1 validation error detected: Value ... at 'x' failed to satisfy constraint: ...".</summary>
    public static KinesisException Constraint(string member, string value, string constraint) =>
        new(Validation, $"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}");
}
