using System.Net;
using System.Text;

namespace Platform.Storage.Embedded;

public sealed partial class EmbeddedBlobStore
{
    public Task<BlobDownload> ReadAsync(BlobPath path, BlobRange? range = null, BlobConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        BlobRules.ValidateRange(range);
        return Task.FromResult(ReadRange(path, range, conditions, destination: null, cancellationToken));
    }

    public Task<BlobDownload> ReadIntoAsync(BlobPath path, long offset, Memory<byte> destination, BlobConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        var range = new BlobRange(offset, destination.Length);
        BlobRules.ValidateRange(range);
        return Task.FromResult(ReadRange(path, range, conditions, destination, cancellationToken));
    }

    /// <summary>A read of the whole blob or a range, into <paramref name="destination"/> or a new array.</summary>
    private BlobDownload ReadRange(BlobPath path, BlobRange? range, BlobConditions? conditions, Memory<byte>? destination, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var file = _layout.BlobFile(path);
            using var handle = OpenExisting(path, file, write: false);
            var state = LoadExisting(handle, path, file);
            CheckReadConditions(state, conditions);

            var offset = range?.Offset ?? 0;
            if (range is not null && offset >= state.Length)
            {
                throw new BlobStorageException(HttpStatusCode.RequestedRangeNotSatisfiable, BlobErrorCodes.InvalidRange,
                    $"The range starting at {offset} is not satisfiable: the blob is {state.Length} bytes long.");
            }

            var count = Math.Min(range?.Length ?? long.MaxValue, state.Length - offset);
            if (count > Array.MaxLength)
            {
                throw new BlobStorageException(HttpStatusCode.BadRequest, BlobErrorCodes.InvalidRange, $"Read {count} bytes at most {Array.MaxLength} at a time; use ranges.");
            }

            var content = destination is { } into ? into[..(int)count] : count == 0 ? Memory<byte>.Empty : GC.AllocateUninitializedArray<byte>((int)count);
            var read = BlobFile.ReadFully(handle, content.Span, BlobFile.DataOffset + offset);
            if (read != count)
            {
                throw Corrupt(path);
            }

            return new BlobDownload(state.ToProperties(path.Name, _time.GetUtcNow()), offset, content);
        }
        catch (IOException e)
        {
            throw IoFailure(e);
        }
    }

    public Task<BlobProperties> GetPropertiesAsync(BlobPath path, BlobConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var file = _layout.BlobFile(path);
            using var handle = OpenExisting(path, file, write: false);
            var state = LoadExisting(handle, path, file);
            CheckReadConditions(state, conditions);
            return Task.FromResult(state.ToProperties(path.Name, _time.GetUtcNow()));
        }
        catch (IOException e)
        {
            throw IoFailure(e);
        }
    }

    public Task<BlobPage> ListBlobsAsync(string container, string? prefix = null, string? continuationToken = null, int pageSize = BlobLimits.DefaultPageSize, CancellationToken cancellationToken = default)
    {
        try
        {
            BlobNames.ValidateContainer(container);
            BlobNames.ValidatePrefix(prefix);
            BlobRules.ValidatePageSize(pageSize);
            var marker = DecodeToken(continuationToken);
            EnsureContainer(container);

            var listing = new Listing(this, prefix ?? string.Empty, marker, pageSize, _time.GetUtcNow(), cancellationToken);
            listing.Walk(_layout.ContainerFolder(container), string.Empty);
            var items = listing.Items;
            string? next = null;
            if (items.Count > pageSize)
            {
                items.RemoveAt(items.Count - 1);
                next = EncodeToken(items[^1].Name);
            }

            return Task.FromResult(new BlobPage(items, next));
        }
        catch (IOException e)
        {
            throw IoFailure(e);
        }
    }

    private static void CheckReadConditions(BlobState state, BlobConditions? conditions)
    {
        if (conditions?.IfNoneMatch is { } none && (none == ETag.All || none == state.ETag))
        {
            // Azure answers 304; both backends surface it as an unmet condition, the same way.
            throw new BlobPreconditionFailedException(BlobErrorCodes.ConditionNotMet, "The blob has not been modified (If-None-Match matched its ETag).");
        }

        CheckConditions(state, conditions?.IfMatch, null, creating: false);
    }

    private static string EncodeToken(string lastName) => "1!" + Convert.ToBase64String(Encoding.UTF8.GetBytes(lastName));

    private static string? DecodeToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            if (token.StartsWith("1!", StringComparison.Ordinal))
            {
                return Encoding.UTF8.GetString(Convert.FromBase64String(token[2..]));
            }
        }
        catch (FormatException)
        {
        }

        throw new ArgumentException("The continuation token is not one this store issued.", nameof(token));
    }

    /// <summary>A depth-first walk in Azure's name order that skips whole folders before the marker or outside the prefix.</summary>
    private sealed class Listing(EmbeddedBlobStore store, string prefix, string? marker, int pageSize, DateTimeOffset now, CancellationToken cancellationToken)
    {
        public List<BlobProperties> Items { get; } = [];

        public bool Walk(string folder, string namePrefix)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var entries = new List<(string Key, string Path, bool IsFolder)>();
            try
            {
                foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos())
                {
                    var name = entry.Name;
                    if (entry is FileInfo && name.EndsWith(EmbeddedLayout.FileSuffix, StringComparison.Ordinal))
                    {
                        entries.Add((namePrefix + name[..^2], entry.FullName, false));
                    }
                    else if (entry is DirectoryInfo && name.EndsWith(EmbeddedLayout.FolderSuffix, StringComparison.Ordinal))
                    {
                        entries.Add((namePrefix + name[..^2] + "/", entry.FullName, true));
                    }
                }
            }
            catch (DirectoryNotFoundException)
            {
                return true; // removed while we walked: nothing in it to list
            }

            entries.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            foreach (var (key, path, isFolder) in entries)
            {
                if (Items.Count > pageSize)
                {
                    return false;
                }

                if (isFolder)
                {
                    var beforeMarker = marker is not null && string.CompareOrdinal(key, marker) < 0 && !marker.StartsWith(key, StringComparison.Ordinal);
                    var overlapsPrefix = key.StartsWith(prefix, StringComparison.Ordinal) || prefix.StartsWith(key, StringComparison.Ordinal);
                    if (!beforeMarker && overlapsPrefix && !Walk(path, key))
                    {
                        return false;
                    }

                    continue;
                }

                if ((marker is not null && string.CompareOrdinal(key, marker) <= 0) || !key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    continue;
                }

                using var handle = TryOpen(path);
                if (handle is not null && store._files.Load(handle, path) is { } state)
                {
                    Items.Add(state.ToProperties(key, now));
                }
            }

            return true;
        }
    }
}
