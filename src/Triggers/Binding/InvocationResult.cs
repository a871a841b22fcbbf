namespace Platform.Triggers.Binding;

/// <summary>How one invocation of a function on a batch ended.</summary>
/// <param name="Kind">Success, an error (exception, timeout, bad response) or a partial failure from record <paramref name="FailedIndex"/> on.</param>
/// <param name="FailedIndex">For <see cref="InvocationResultKind.PartialFailure"/>: the index in the batch of the lowest failed record.</param>
/// <param name="FunctionError">Lambda's <c>functionError</c>: the error's type ("Unhandled", "TimeoutError", "InvalidResponse", "DeserializationError").</param>
/// <param name="Message">What went wrong, for logs and the on-failure record.</param>
/// <param name="NotAttemptedAfter">True when the records after <paramref name="FailedIndex"/> were not given to the function at all
/// (a one-record-per-invocation function stops at the record that failed): only that record is retried; the rest start fresh.</param>
public readonly record struct InvocationResult(InvocationResultKind Kind, int FailedIndex = -1, string? FunctionError = null, string? Message = null, bool NotAttemptedAfter = false)
{
    public static InvocationResult Success => new(InvocationResultKind.Success);

    public static InvocationResult Error(string functionError, string? message) => new(InvocationResultKind.Error, -1, functionError, message);

    public static InvocationResult Partial(int failedIndex, string? functionError = null, string? message = null) =>
        new(InvocationResultKind.PartialFailure, failedIndex, functionError, message);

    /// <summary>The record at <paramref name="failedIndex"/> failed on its own; those after it were not attempted.</summary>
    public static InvocationResult RecordFailed(int failedIndex, string? functionError, string? message) =>
        new(InvocationResultKind.PartialFailure, failedIndex, functionError, message, NotAttemptedAfter: true);
}

/// <summary>The outcome classes of an invocation.</summary>
public enum InvocationResultKind
{
    Success,
    Error,
    PartialFailure,
}
