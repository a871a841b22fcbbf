namespace Platform.Video.Ingest;

/// <summary>Why a publish was refused.</summary>
public enum PublishRejection
{
    StreamNotFound,
    BadCredential,
    StreamBusy,
    InvalidStreamName,
}

/// <summary>A publish the platform refuses; the message says why in words a camera operator understands.</summary>
public sealed class PublishRejectedException(PublishRejection reason, string message) : Exception(message)
{
    public PublishRejection Reason { get; } = reason;
}
