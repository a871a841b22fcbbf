using Microsoft.Extensions.Options;
using Platform.Storage.Azure;

namespace Platform.Runtime.Storage;

/// <summary>Fails start-up with a message naming the bad <c>Platform:Storage</c> key.</summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Backend))
        {
            failures.Add($"{StorageOptions.Section}:Backend must be Embedded or AzureBlob.");
        }

        if (options.Backend == StorageBackend.Embedded && string.IsNullOrWhiteSpace(options.DataPath))
        {
            failures.Add($"{StorageOptions.Section}:DataPath must name a folder for the embedded backend.");
        }

        if (options.Backend == StorageBackend.AzureBlob && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add($"{StorageOptions.Section}:ConnectionString (or AzureWebJobsStorage) is required when Backend is AzureBlob.");
        }
        else if (options.Backend == StorageBackend.AzureBlob)
        {
            try
            {
                StorageConnectionString.Parse(options.ConnectionString!);
            }
            catch (FormatException e)
            {
                failures.Add($"{StorageOptions.Section}:ConnectionString is invalid: {e.Message}");
            }
        }

        try
        {
            options.Retry.Validate();
        }
        catch (ArgumentException e)
        {
            failures.Add($"{StorageOptions.Section}:Retry: {e.Message}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
