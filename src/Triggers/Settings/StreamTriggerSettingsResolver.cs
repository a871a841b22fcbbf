using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Platform.Triggers.Settings;

/// <summary>
/// Merges host.json defaults with a trigger attribute's overrides and checks every value against Lambda's allowed
/// ranges, failing with a message that names the function, the setting and the range.
/// </summary>
public static class StreamTriggerSettingsResolver
{
    public const string ReportBatchItemFailures = "ReportBatchItemFailures";

    /// <exception cref="InvalidOperationException">A setting is out of range or unknown; the message says which.</exception>
    public static StreamTriggerSettings Resolve(string functionName, StreamTriggerAttribute attribute, StreamsExtensionOptions defaults, TimeSpan functionTimeout, IConfiguration configuration)
    {
        var errors = new List<string>();
        var stream = attribute.Stream;
        if (stream is ['%', .. var settingName, '%'])
        {
            stream = configuration[settingName] ?? string.Empty;
            if (stream.Length == 0)
            {
                errors.Add($"the stream is the app setting '{settingName}', which is not set");
            }
        }
        else if (string.IsNullOrWhiteSpace(stream))
        {
            errors.Add("StreamTrigger needs a stream name");
        }

        var batchSize = Check(errors, "BatchSize", attribute.BatchSizeValue ?? defaults.BatchSize, 1, 10_000);
        var window = Check(errors, "MaximumBatchingWindowInSeconds", attribute.WindowValue ?? defaults.MaximumBatchingWindowInSeconds, 0, 300);
        var retries = attribute.RetriesValue ?? defaults.MaximumRetryAttempts;
        if (retries != -1 && retries is < 0 or > 10_000)
        {
            errors.Add($"MaximumRetryAttempts must be -1 or 0 to 10000 (was {retries})");
        }

        var age = attribute.AgeValue ?? defaults.MaximumRecordAgeInSeconds;
        if (age != -1 && age is < 60 or > 604_800)
        {
            errors.Add($"MaximumRecordAgeInSeconds must be -1 or 60 to 604800 (was {age})");
        }

        var parallelization = Check(errors, "ParallelizationFactor", attribute.ParallelizationValue ?? defaults.ParallelizationFactor, 1, 10);

        var positionText = attribute.StartingPosition ?? defaults.StartingPosition;
        StartingPosition position = default;
        switch (positionText.ToUpperInvariant())
        {
            case "TRIM_HORIZON": position = StartingPosition.TrimHorizon; break;
            case "LATEST": position = StartingPosition.Latest; break;
            case "AT_TIMESTAMP": position = StartingPosition.AtTimestamp; break;
            default: errors.Add($"StartingPosition must be TRIM_HORIZON, LATEST or AT_TIMESTAMP (was '{positionText}')"); break;
        }

        DateTimeOffset? timestamp = null;
        var timestampText = attribute.StartingPositionTimestamp ?? defaults.StartingPositionTimestamp;
        if (position == StartingPosition.AtTimestamp)
        {
            if (string.IsNullOrWhiteSpace(timestampText))
            {
                errors.Add("StartingPositionTimestamp is required with AT_TIMESTAMP (ISO 8601 or Unix seconds)");
            }
            else if (double.TryParse(timestampText, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && seconds < 253_402_300_800)
            {
                timestamp = DateTimeOffset.UnixEpoch.AddSeconds(seconds);
            }
            else if (DateTimeOffset.TryParse(timestampText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                timestamp = parsed;
            }
            else
            {
                errors.Add($"StartingPositionTimestamp must be ISO 8601 or Unix seconds (was '{timestampText}')");
            }
        }

        var responseTypes = attribute.FunctionResponseTypes is { } fromAttribute
            ? fromAttribute.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [.. defaults.FunctionResponseTypes];
        foreach (var type in responseTypes.Where(t => !string.Equals(t, ReportBatchItemFailures, StringComparison.OrdinalIgnoreCase)))
        {
            errors.Add($"FunctionResponseTypes may only hold {ReportBatchItemFailures} (was '{type}')");
        }

        var onFailure = attribute.OnFailure ?? defaults.OnFailure;
        if (onFailure is not null && FailureDestinationAddress.TryParse(onFailure, out _) is { } destinationError)
        {
            errors.Add(destinationError);
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"Function {functionName}: {string.Join("; ", errors)}.");
        }

        return new StreamTriggerSettings
        {
            FunctionName = functionName,
            Stream = stream,
            BatchSize = batchSize,
            MaximumBatchingWindow = TimeSpan.FromSeconds(window),
            StartingPosition = position,
            StartingPositionTimestamp = timestamp,
            BisectBatchOnFunctionError = attribute.BisectValue ?? defaults.BisectBatchOnFunctionError,
            MaximumRetryAttempts = retries,
            MaximumRecordAge = age == -1 ? null : TimeSpan.FromSeconds(age),
            ParallelizationFactor = parallelization,
            ReportBatchItemFailures = responseTypes.Length > 0,
            OnFailure = onFailure,
            FunctionTimeout = functionTimeout,
            RetryDelay = TimeSpan.FromMilliseconds(defaults.RetryDelayMilliseconds),
        };
    }

    /// <summary>Checks the host-wide settings of <c>extensions.streams</c> and <c>functionTimeout</c>.</summary>
    /// <exception cref="InvalidOperationException">A value is out of range; the message names it.</exception>
    public static void ValidateHost(StreamsExtensionOptions options, TimeSpan functionTimeout)
    {
        var errors = new List<string>();
        if (options.LeaseFailoverSeconds is < 2 or > 300)
        {
            errors.Add($"leaseFailoverSeconds must be 2 to 300 (was {options.LeaseFailoverSeconds})");
        }

        Check(errors, "pollIntervalMilliseconds", options.PollIntervalMilliseconds, 10, 60_000);
        Check(errors, "idlePollIntervalMilliseconds", options.IdlePollIntervalMilliseconds, Math.Max(10, options.PollIntervalMilliseconds), 300_000);
        Check(errors, "checkpointIntervalMilliseconds", options.CheckpointIntervalMilliseconds, 0, 60_000);
        Check(errors, "retryDelayMilliseconds", options.RetryDelayMilliseconds, 0, 60_000);
        if (options.DrainTimeoutSeconds is < 0 or > 600)
        {
            errors.Add($"drainTimeoutSeconds must be 0 to 600 (was {options.DrainTimeoutSeconds})");
        }

        if (functionTimeout < TimeSpan.FromSeconds(1) || functionTimeout > TimeSpan.FromHours(24))
        {
            errors.Add($"functionTimeout must be 00:00:01 to 24:00:00 (was {functionTimeout})");
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"host.json extensions.streams: {string.Join("; ", errors)}.");
        }
    }

    /// <summary>Reads host.json's <c>functionTimeout</c> (a TimeSpan such as <c>00:05:00</c>; default 5 minutes).</summary>
    /// <exception cref="InvalidOperationException">The value is not a time span.</exception>
    public static TimeSpan FunctionTimeout(IConfiguration configuration)
    {
        var text = configuration["Host:functionTimeout"];
        if (string.IsNullOrWhiteSpace(text))
        {
            return TimeSpan.FromMinutes(5);
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidOperationException($"host.json functionTimeout must be a time span such as 00:05:00 (was '{text}').");
    }

    private static int Check(List<string> errors, string name, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{name} must be {min} to {max} (was {value})");
        }

        return value;
    }
}
