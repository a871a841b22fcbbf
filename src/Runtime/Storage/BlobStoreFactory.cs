using Platform.Storage;
using Platform.Storage.Azure;
using Platform.Storage.Embedded;

namespace Platform.Runtime.Storage;

/// <summary>Builds the configured <see cref="IBlobStore"/>.</summary>
public static class BlobStoreFactory
{
    public static IBlobStore Create(StorageOptions options, TimeProvider timeProvider) => options.Backend switch
    {
        StorageBackend.AzureBlob => AzureBlobStore.FromConnectionString(options.ConnectionString!, options.Retry, timeProvider: timeProvider),
        _ => EmbeddedBlobStore.Open(new EmbeddedBlobStoreOptions { DataPath = options.DataPath }, timeProvider),
    };

    /// <summary>A description safe to log: never an account key or SAS signature.</summary>
    public static string Describe(StorageOptions options) => options.Backend switch
    {
        StorageBackend.AzureBlob => $"AzureBlob ({Redact(options.ConnectionString)})",
        _ => $"Embedded ({Path.GetFullPath(options.DataPath)})",
    };

    private static string Redact(string? connectionString)
    {
        if (string.IsNullOrEmpty(connectionString))
        {
            return "no connection string";
        }

        // Parse it as the client does (names trimmed, any case), and print the parser's own redacted form.
        try
        {
            return StorageConnectionString.Parse(connectionString).ToString();
        }
        catch (FormatException)
        {
            return "an unreadable connection string";
        }
    }
}
