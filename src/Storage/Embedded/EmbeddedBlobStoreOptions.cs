namespace Platform.Storage.Embedded;

/// <summary>Settings of the embedded filesystem backend.</summary>
public sealed record EmbeddedBlobStoreOptions
{
    /// <summary>Folder holding all containers; created when missing. Several processes may share it.</summary>
    public string DataPath { get; init; } = "data";

    /// <summary>Number of lock stripes writers hash onto (1–4096).</summary>
    public int LockStripes { get; init; } = 64;

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataPath))
        {
            throw new ArgumentException("Embedded storage needs a DataPath.", nameof(DataPath));
        }

        if (LockStripes is < 1 or > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(LockStripes), LockStripes, "LockStripes is 1 to 4096.");
        }
    }
}
