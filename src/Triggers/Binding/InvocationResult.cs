namespace Platform.Triggers.Binding;

/// <summary>How one invocation of a function on a batch ended.</summary>
/// <param name="Kind">Success, an error (exception, timeout, bad response) or a partial failure from record <paramref name="FailedIndex"/> on.</param>
/// <param name="FailedIndex">For <see cref="InvocationResultKind.PartialFailure"/>: the index in the batch of the lowest failed record.</param>
/// <param name="FunctionError">Lambda's <c>functionError</c>: the error's type ("Unhandled", "TimeoutError", "InvalidResponse", "DeserializationError").</param>
/// <param name="Message">What went wrong, for logs and the on-failure record.</param>
public readonly record struct InvocationResult(InvocationResultKind Kind, int FailedIndex = -1, string? FunctionError = null, string? Message = null)
{
    public static InvocationResult Success => new(InvocationResultKind.Success);

    public static InvocationResult Error(string functionError, string? message) => new(InvocationResultKind.Error, -1, functionError, message);

    public static InvocationResult Partial(int failedIndex, string? functionError = null, string? message = null) =>
        new(InvocationResultKind.PartialFailure, failedIndex, functionError, message);
}

/// <summary>The outcome classes of an invocation.</summary>
public enum InvocationResultKind
{
    Success,
    Error,
    PartialFailure,
}
