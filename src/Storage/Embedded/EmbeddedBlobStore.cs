using System.Net;
using Microsoft.Win32.SafeHandles;

namespace Platform.Storage.Embedded;

/// <summary>
/// The default backend: blobs in a folder on local disk. Every acknowledged write has been fsync'd.
/// Writers serialise per blob through a striped lock that also excludes other processes, and
/// readers need no lock: content below a blob's committed length never changes in place, and a
/// replaced blob is a new file renamed over the old one.
/// </summary>
public sealed partial class EmbeddedBlobStore : IBlobStore, IDisposable
{
    /// <summary>Dedicated fdatasync threads: enough for a few shards' group commits to flush at once.</summary>
    private const int SyncThreads = 4;

    private readonly EmbeddedLayout _layout;
    private readonly StripedFileLock _locks;
    private readonly BlobFile _files = new();
    private readonly TimeProvider _time;
    private readonly FileSyncThreads _syncs = new(SyncThreads);

    private EmbeddedBlobStore(EmbeddedLayout layout, StripedFileLock locks, TimeProvider time)
    {
        _layout = layout;
        _locks = locks;
        _time = time;
    }

    /// <summary>The absolute data folder.</summary>
    public string DataPath => _layout.Root;

    /// <summary>Opens (creating when needed) the data folder.</summary>
    public static EmbeddedBlobStore Open(EmbeddedBlobStoreOptions options, TimeProvider? timeProvider = null)
    {
        options.Validate();
        NativeMethods.EnsureSupported();
        var layout = new EmbeddedLayout(options.DataPath);
        Directory.CreateDirectory(layout.Root);
        Directory.CreateDirectory(layout.TrashFolder);
        EmptyTrash(layout.TrashFolder);
        return new EmbeddedBlobStore(layout, new StripedFileLock(layout.LocksFolder, options.LockStripes), timeProvider ?? TimeProvider.System);
    }

    public void Dispose()
    {
        _syncs.Dispose();
        _locks.Dispose();
    }

    public Task<bool> CreateContainerIfNotExistsAsync(string container, CancellationToken cancellationToken = default)
    {
        try
        {
            BlobNames.ValidateContainer(container);
            cancellationToken.ThrowIfCancellationRequested();
            var created = NativeMethods.TryCreateDirectory(_layout.ContainerFolder(container));
            if (created)
            {
                NativeMethods.SyncDirectory(_layout.Root);
            }

            return Task.FromResult(created);
        }
        catch (IOException e)
        {
            throw IoFailure(e);
        }
    }

    public Task<bool> DeleteContainerIfExistsAsync(string container, CancellationToken cancellationToken = default)
    {
        try
        {
            BlobNames.ValidateContainer(container);
            cancellationToken.ThrowIfCancellationRequested();

            // Rename first so the container disappears atomically for every process, then remove the files.
            var trash = Path.Combine(_layout.TrashFolder, Guid.NewGuid().ToString("N"));
            try
            {
                Directory.Move(_layout.ContainerFolder(container), trash);
            }
            catch (DirectoryNotFoundException)
            {
                return Task.FromResult(false);
            }

            NativeMethods.SyncDirectory(_layout.Root);
            Directory.Delete(trash, recursive: true);
            return Task.FromResult(true);
        }
        catch (IOException e)
        {
            throw IoFailure(e);
        }
    }

    /// <summary>Removes deleted containers; what cannot be removed now (a crash, a reader's open file) goes at the next open.</summary>
    private static void EmptyTrash(string trashFolder)
    {
        foreach (var deleted in Directory.EnumerateDirectories(trashFolder))
        {
            try
            {
                Directory.Delete(deleted, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private void EnsureContainer(string container)
    {
        if (!Directory.Exists(_layout.ContainerFolder(container)))
        {
            throw ContainerNotFound();
        }
    }

    /// <summary>An unexpected filesystem failure, reported as a transient storage error (callers may retry).</summary>
    private static BlobStorageException IoFailure(IOException e) =>
        new(HttpStatusCode.InternalServerError, BlobErrorCodes.InternalError, $"Embedded storage I/O failed: {e.Message}", e);

    private static BlobNotFoundException ContainerNotFound() => new(BlobErrorCodes.ContainerNotFound, "The specified container does not exist.");

    private static BlobNotFoundException BlobNotFound() => new(BlobErrorCodes.BlobNotFound, "The specified blob does not exist.");

    private static BlobStorageException Corrupt(BlobPath path) =>
        new(HttpStatusCode.InternalServerError, BlobErrorCodes.InternalError, $"Blob '{path}' has no intact state on disk; the file is corrupt.");

    /// <summary>Opens the blob's file, or throws BlobNotFound / ContainerNotFound.</summary>
    private SafeFileHandle OpenExisting(BlobPath path, string file, bool write)
    {
        try
        {
            return File.OpenHandle(file, FileMode.Open, write ? FileAccess.ReadWrite : FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            EnsureContainer(path.Container);
            throw BlobNotFound();
        }
    }

    private BlobState LoadExisting(SafeFileHandle handle, BlobPath path, string file) =>
        _files.Load(handle, file) ?? throw Corrupt(path);

    private static void CheckConditions(BlobState? state, ETag? ifMatch, ETag? ifNoneMatch, bool creating)
    {
        if (ifMatch is { } match && (state is null || (match != ETag.All && match != state.ETag)))
        {
            if (state is null && !creating)
            {
                throw BlobNotFound();
            }

            throw new BlobPreconditionFailedException(BlobErrorCodes.ConditionNotMet, "The condition specified using HTTP conditional header(s) is not met.");
        }

        if (ifNoneMatch is { } noneMatch && state is not null && (noneMatch == ETag.All || noneMatch == state.ETag))
        {
            if (creating && noneMatch == ETag.All)
            {
                throw new BlobConflictException(BlobErrorCodes.BlobAlreadyExists, "The specified blob already exists.");
            }

            throw new BlobPreconditionFailedException(BlobErrorCodes.ConditionNotMet, "The condition specified using HTTP conditional header(s) is not met.");
        }
    }


}
