using Platform.Storage.Resilience;

namespace Platform.Runtime.Storage;

/// <summary>Which blob storage the platform keeps its data in. Bound from <c>Platform:Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Platform:Storage";

    /// <summary><see cref="StorageBackend.Embedded"/> (default: a local folder) or <see cref="StorageBackend.AzureBlob"/>.</summary>
    public StorageBackend Backend { get; set; } = StorageBackend.Embedded;

    /// <summary>Embedded backend: the data folder, relative to the working directory unless absolute.</summary>
    public string DataPath { get; set; } = "data";

    /// <summary>
    /// Azure backend: an Azure Storage connection string (account key, SAS, or <c>UseDevelopmentStorage=true</c>).
    /// Falls back to the <c>AzureWebJobsStorage</c> setting, as in Azure Functions.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Retries of transient Azure failures.</summary>
    public RetryOptions Retry { get; set; } = new();
}

public enum StorageBackend
{
    Embedded,
    AzureBlob,
}
