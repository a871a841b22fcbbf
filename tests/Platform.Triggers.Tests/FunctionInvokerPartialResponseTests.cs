using Platform.Triggers.Binding;

namespace Platform.Triggers.Tests;

public sealed class FunctionInvokerPartialResponseTests
{
    private static readonly StreamRecord[] Batch = TestRecords.Make(5);

    [Fact]
    public void ANullResponse_IsSuccess() => Assert.Equal(InvocationResultKind.Success, FunctionInvoker.Interpret(null, Batch).Kind);

    [Fact]
    public void AnEmptyFailureList_IsSuccess() => Assert.Equal(InvocationResultKind.Success, FunctionInvoker.Interpret(new StreamBatchResponse(), Batch).Kind);

    [Fact]
    public void ReportedFailures_ResumeFromTheLowestReportedRecord()
    {
        var result = FunctionInvoker.Interpret(StreamBatchResponse.Failed(Batch[3], Batch[1]), Batch);

        Assert.Equal(InvocationResultKind.PartialFailure, result.Kind);
        Assert.Equal(1, result.FailedIndex);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("999")]
    public void AMissingEmptyOrUnknownIdentifier_FailsTheWholeBatch(string? identifier)
    {
        var response = new StreamBatchResponse { BatchItemFailures = [new BatchItemFailure { ItemIdentifier = identifier }] };

        var result = FunctionInvoker.Interpret(response, Batch);

        Assert.Equal(InvocationResultKind.Error, result.Kind);
        Assert.Equal("InvalidResponse", result.FunctionError);
    }
}
