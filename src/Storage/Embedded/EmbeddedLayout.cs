using System.Text;

namespace Platform.Storage.Embedded;

/// <summary>
/// Maps validated blob names onto the data folder: <c>{root}/{container}/{seg}.d/…/{last}.b</c>.
/// Files end in <c>.b</c> and folders in <c>.d</c>, so blob "a" and blob "a/b" never collide, and
/// sorting siblings by "name" (files) and "name/" (folders) yields Azure's ordinal name order.
/// </summary>
internal sealed class EmbeddedLayout(string root)
{
    public const string FileSuffix = ".b";
    public const string FolderSuffix = ".d";
    public const string TempSuffix = ".tmp";
    private const int MaxSegmentBytes = 255 - 2;

    public string Root { get; } = Path.GetFullPath(root);

    public string LocksFolder => Path.Combine(Root, ".locks");

    public string TrashFolder => Path.Combine(Root, ".trash");

    public string ContainerFolder(string container) => Path.Combine(Root, container);

    public string BlobFile(BlobPath path)
    {
        var builder = new StringBuilder(ContainerFolder(path.Container), path.Name.Length + Root.Length + 64);
        var segments = path.Name.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            if (Encoding.UTF8.GetByteCount(segments[i]) > MaxSegmentBytes)
            {
                throw new BlobNameException($"Blob name '{path.Name}' has a path segment longer than {MaxSegmentBytes} bytes, which the embedded backend cannot store.");
            }

            builder.Append(Path.DirectorySeparatorChar).Append(segments[i]).Append(i == segments.Length - 1 ? FileSuffix : FolderSuffix);
        }

        var full = builder.ToString();

        // Defence in depth: validation already forbids '.', '..' and absolute names.
        if (!full.StartsWith(ContainerFolder(path.Container) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new BlobNameException($"Blob name '{path.Name}' escapes its container.");
        }

        return full;
    }

    public static string LockKey(BlobPath path) => path.Container + "/" + path.Name;
}
