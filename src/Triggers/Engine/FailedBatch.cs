namespace Platform.Triggers.Engine;

/// <summary>Records given up on: they go to the on-failure destination as one record, Lambda's shape.</summary>
/// <param name="Records">The records, in shard order.</param>
/// <param name="Condition">Why they were given up on.</param>
/// <param name="ApproximateInvokeCount">How many times the function was invoked with (a batch holding) them.</param>
/// <param name="FunctionError">The last error's type, when the function was invoked.</param>
/// <param name="Message">The last error's message.</param>
public sealed record FailedBatch(IReadOnlyList<StreamRecord> Records, FailureCondition Condition, int ApproximateInvokeCount, string? FunctionError, string? Message);
