namespace Platform.Triggers.Engine;

/// <summary>Why records left the function for the on-failure destination (Lambda's <c>condition</c>).</summary>
public enum FailureCondition
{
    RetryAttemptsExhausted,
    RecordAgeExceeded,
}
