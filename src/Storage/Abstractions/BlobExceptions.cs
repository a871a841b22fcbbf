using System.Net;

namespace Platform.Storage;

/// <summary>A storage operation failed; <see cref="ErrorCode"/> is Azure's error code (also used by the embedded backend).</summary>
public class BlobStorageException : Exception
{
    public BlobStorageException(HttpStatusCode status, string errorCode, string message, Exception? inner = null)
        : base($"{errorCode}: {message}", inner)
    {
        Status = status;
        ErrorCode = errorCode;
    }

    public HttpStatusCode Status { get; }

    public string ErrorCode { get; }

    /// <summary>True when retrying the same request may succeed (timeouts, throttling, server errors, lost connections).</summary>
    public virtual bool IsTransient => BlobErrorCodes.IsTransientStatus(Status);

    /// <summary>How long the service asked us to wait before retrying, when it said.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Maps a status and error code to the most specific exception type.</summary>
    public static BlobStorageException Create(HttpStatusCode status, string errorCode, string message, Exception? inner = null) => status switch
    {
        HttpStatusCode.NotFound => new BlobNotFoundException(errorCode, message, inner),
        HttpStatusCode.PreconditionFailed => new BlobPreconditionFailedException(errorCode, message, inner),
        HttpStatusCode.Conflict => new BlobConflictException(errorCode, message, inner),
        _ => new BlobStorageException(status, errorCode, message, inner),
    };
}

/// <summary>The container or blob does not exist (<c>ContainerNotFound</c>, <c>BlobNotFound</c>).</summary>
public sealed class BlobNotFoundException(string errorCode, string message, Exception? inner = null)
    : BlobStorageException(HttpStatusCode.NotFound, errorCode, message, inner);

/// <summary>A condition was not met: ETag, append position, max size, or a missing/mismatched lease id.</summary>
public sealed class BlobPreconditionFailedException(string errorCode, string message, Exception? inner = null)
    : BlobStorageException(HttpStatusCode.PreconditionFailed, errorCode, message, inner);

/// <summary>The blob's state forbids the operation: it exists, is sealed, is leased, has the wrong type.</summary>
public sealed class BlobConflictException(string errorCode, string message, Exception? inner = null)
    : BlobStorageException(HttpStatusCode.Conflict, errorCode, message, inner);

/// <summary>A container or blob name breaks the naming rules or tries to leave its folder.</summary>
public sealed class BlobNameException(string message) : ArgumentException(message);

/// <summary>Azure Blob Storage error codes used by the platform.</summary>
public static class BlobErrorCodes
{
    public const string ContainerNotFound = "ContainerNotFound";
    public const string ContainerAlreadyExists = "ContainerAlreadyExists";
    public const string BlobNotFound = "BlobNotFound";
    public const string BlobAlreadyExists = "BlobAlreadyExists";
    public const string ConditionNotMet = "ConditionNotMet";
    public const string AppendPositionConditionNotMet = "AppendPositionConditionNotMet";
    public const string MaxBlobSizeConditionNotMet = "MaxBlobSizeConditionNotMet";
    public const string BlobIsSealed = "BlobIsSealed";
    public const string InvalidBlobType = "InvalidBlobType";
    public const string BlockCountExceedsLimit = "BlockCountExceedsLimit";
    public const string RequestEntityTooLarge = "RequestEntityTooLarge";
    public const string InvalidRange = "InvalidRange";
    public const string InvalidHeaderValue = "InvalidHeaderValue";
    public const string InvalidMetadata = "InvalidMetadata";
    public const string AccessTierNotSupportedForBlobType = "AccessTierNotSupportedForBlobType";
    public const string LeaseAlreadyPresent = "LeaseAlreadyPresent";
    public const string LeaseIdMissing = "LeaseIdMissing";
    public const string LeaseIdMismatchWithBlobOperation = "LeaseIdMismatchWithBlobOperation";
    public const string LeaseIdMismatchWithLeaseOperation = "LeaseIdMismatchWithLeaseOperation";
    public const string LeaseNotPresentWithBlobOperation = "LeaseNotPresentWithBlobOperation";
    public const string LeaseNotPresentWithLeaseOperation = "LeaseNotPresentWithLeaseOperation";
    public const string LeaseIsBrokenAndCannotBeRenewed = "LeaseIsBrokenAndCannotBeRenewed";
    public const string LeaseIsBreakingAndCannotBeAcquired = "LeaseIsBreakingAndCannotBeAcquired";
    public const string LeaseLost = "LeaseLost";
    public const string OperationTimedOut = "OperationTimedOut";
    public const string ServerBusy = "ServerBusy";
    public const string InternalError = "InternalError";
    public const string ConnectionFailed = "ConnectionFailed";

    /// <summary>408, 429, 500, 502, 503 and 504 are worth retrying.</summary>
    public static bool IsTransientStatus(HttpStatusCode status) => (int)status is 408 or 429 or 500 or 502 or 503 or 504;
}
