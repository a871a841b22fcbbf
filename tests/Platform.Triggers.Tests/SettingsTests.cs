using Microsoft.Extensions.Configuration;
using Platform.Triggers.Settings;

namespace Platform.Triggers.Tests;

public sealed class SettingsTests
{
    private static readonly IConfiguration Empty = new ConfigurationBuilder().Build();

    private static StreamTriggerSettings Resolve(StreamTriggerAttribute attribute, StreamsExtensionOptions? defaults = null, IConfiguration? configuration = null) =>
        StreamTriggerSettingsResolver.Resolve("ScoreOrders", attribute, defaults ?? new StreamsExtensionOptions(), TimeSpan.FromMinutes(5), configuration ?? Empty);

    [Fact]
    public void UnsetProperties_TakeLambdasDefaults()
    {
        var settings = Resolve(new StreamTriggerAttribute("orders"));

        Assert.Equal(100, settings.BatchSize);
        Assert.Equal(TimeSpan.Zero, settings.MaximumBatchingWindow);
        Assert.Equal(StartingPosition.TrimHorizon, settings.StartingPosition);
        Assert.False(settings.BisectBatchOnFunctionError);
        Assert.Equal(-1, settings.MaximumRetryAttempts);
        Assert.Null(settings.MaximumRecordAge);
        Assert.Equal(1, settings.ParallelizationFactor);
        Assert.False(settings.ReportBatchItemFailures);
        Assert.Null(settings.OnFailure);
    }

    [Fact]
    public void AttributeProperties_OverrideHostJsonDefaults_AndUnsetOnesTakeThem()
    {
        var defaults = new StreamsExtensionOptions { BatchSize = 500, MaximumRetryAttempts = 3, BisectBatchOnFunctionError = true };

        var settings = Resolve(new StreamTriggerAttribute("orders") { BatchSize = 10, BisectBatchOnFunctionError = false }, defaults);

        Assert.Equal(10, settings.BatchSize);
        Assert.False(settings.BisectBatchOnFunctionError);
        Assert.Equal(3, settings.MaximumRetryAttempts);
    }

    [Theory]
    [InlineData("BatchSize", "BatchSize must be 1 to 10000 (was 0)")]
    [InlineData("Window", "MaximumBatchingWindowInSeconds must be 0 to 300 (was 301)")]
    [InlineData("Retries", "MaximumRetryAttempts must be -1 or 0 to 10000 (was -2)")]
    [InlineData("Age", "MaximumRecordAgeInSeconds must be -1 or 60 to 604800 (was 59)")]
    [InlineData("Parallelization", "ParallelizationFactor must be 1 to 10 (was 11)")]
    [InlineData("Position", "StartingPosition must be TRIM_HORIZON, LATEST or AT_TIMESTAMP (was 'EARLIEST')")]
    [InlineData("Timestamp", "StartingPositionTimestamp is required with AT_TIMESTAMP")]
    [InlineData("ResponseTypes", "FunctionResponseTypes may only hold ReportBatchItemFailures (was 'Everything')")]
    [InlineData("OnFailure", "OnFailure container 'A_B' must be 3 to 63 lower-case letters, digits and single hyphens")]
    public void AnOutOfRangeSetting_FailsWithAMessageNamingTheFunctionTheSettingAndTheRange(string setting, string expected)
    {
        var attribute = setting switch
        {
            "BatchSize" => new StreamTriggerAttribute("orders") { BatchSize = 0 },
            "Window" => new StreamTriggerAttribute("orders") { MaximumBatchingWindowInSeconds = 301 },
            "Retries" => new StreamTriggerAttribute("orders") { MaximumRetryAttempts = -2 },
            "Age" => new StreamTriggerAttribute("orders") { MaximumRecordAgeInSeconds = 59 },
            "Parallelization" => new StreamTriggerAttribute("orders") { ParallelizationFactor = 11 },
            "Position" => new StreamTriggerAttribute("orders") { StartingPosition = "EARLIEST" },
            "Timestamp" => new StreamTriggerAttribute("orders") { StartingPosition = "AT_TIMESTAMP" },
            "ResponseTypes" => new StreamTriggerAttribute("orders") { FunctionResponseTypes = "Everything" },
            _ => new StreamTriggerAttribute("orders") { OnFailure = "blob:A_B" },
        };

        var error = Assert.Throws<InvalidOperationException>(() => Resolve(attribute));

        Assert.StartsWith("Function ScoreOrders: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AHostJsonDefaultOutOfRange_IsReportedForTheFunctionThatUsesIt()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Resolve(new StreamTriggerAttribute("orders"), new StreamsExtensionOptions { BatchSize = 20_000 }));

        Assert.Contains("BatchSize must be 1 to 10000 (was 20000)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AStreamNamedAsPercentSetting_IsReadFromAppSettings()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["OrdersStream"] = "orders-prod" }).Build();

        Assert.Equal("orders-prod", Resolve(new StreamTriggerAttribute("%OrdersStream%"), configuration: configuration).Stream);
        Assert.Contains("'Missing', which is not set", Assert.Throws<InvalidOperationException>(() => Resolve(new StreamTriggerAttribute("%Missing%"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HostSettingsOutOfRange_FailWithTheirHostJsonNames()
    {
        var error = Assert.Throws<InvalidOperationException>(() => StreamTriggerSettingsResolver.ValidateHost(new StreamsExtensionOptions { LeaseFailoverSeconds = 1 }, TimeSpan.FromMinutes(5)));
        Assert.Contains("leaseFailoverSeconds must be 2 to 300 (was 1)", error.Message, StringComparison.Ordinal);

        var timeout = Assert.Throws<InvalidOperationException>(() => StreamTriggerSettingsResolver.ValidateHost(new StreamsExtensionOptions(), TimeSpan.FromHours(25)));
        Assert.Contains("functionTimeout must be 00:00:01 to 24:00:00", timeout.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("orders-failures", false, "orders-failures")]
    [InlineData("arn:aws:kinesis:us-east-1:000000000000:stream/dlq", false, "dlq")]
    [InlineData("blob:orders-failures", true, "orders-failures")]
    [InlineData("arn:aws:s3:::orders-failures", true, "orders-failures")]
    public void OnFailureAddresses_NameAStreamOrABlobContainer(string text, bool blob, string name)
    {
        Assert.Null(FailureDestinationAddress.TryParse(text, out var address));
        Assert.Equal(new FailureDestinationAddress(blob, name), address);
    }
}
