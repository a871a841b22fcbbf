namespace Platform.Storage;

/// <summary>A validated container and blob name pair.</summary>
public readonly record struct BlobPath
{
    public BlobPath(string container, string name)
    {
        BlobNames.ValidateContainer(container);
        BlobNames.ValidateBlob(name);
        Container = container;
        Name = name;
    }

    public string Container { get; }

    public string Name { get; }

    public override string ToString() => $"{Container}/{Name}";
}
