using System.Net;
using Microsoft.Win32.SafeHandles;
using Platform.Storage.Integrity;

namespace Platform.Storage.Embedded;

public sealed partial class EmbeddedBlobStore
{
    // Each retry means a sibling's delete emptied and removed a folder in the few microseconds between two of our steps.
    private const int MaxFolderRaces = 16;

    public Task<BlobInfo> PutBlockBlobAsync(BlobPath path, ReadOnlyMemory<byte> content, PutBlobOptions? options = null, CancellationToken cancellationToken = default) =>
        ReplaceAsync(path, BlobType.Block, content, options, cancellationToken);

    public Task<BlobInfo> CreateAppendBlobAsync(BlobPath path, PutBlobOptions? options = null, CancellationToken cancellationToken = default) =>
        ReplaceAsync(path, BlobType.Append, ReadOnlyMemory<byte>.Empty, options, cancellationToken);

    public async Task<AppendResult> AppendBlockAsync(BlobPath path, ReadOnlyMemory<byte> data, AppendConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        try
        {
            BlobRules.ValidateAppendBlock(data);
            var file = _layout.BlobFile(path);
            using var held = await _locks.AcquireAsync(EmbeddedLayout.LockKey(path), cancellationToken);
            using var handle = OpenExisting(path, file, write: true);
            var state = LoadExisting(handle, path, file);
            var now = _time.GetUtcNow();
            if (state.BlobType != BlobType.Append)
            {
                throw new BlobConflictException(BlobErrorCodes.InvalidBlobType, "The blob type is invalid for this operation: it is not an append blob.");
            }

            CheckConditions(state, conditions?.IfMatch, null, creating: false);
            state.Lease.CheckWrite(conditions?.LeaseId, now);
            if (state.IsSealed)
            {
                throw new BlobConflictException(BlobErrorCodes.BlobIsSealed, "The specified blob is sealed and its contents cannot be modified.");
            }

            if (conditions?.AppendPosition is { } position && position != state.Length)
            {
                throw new BlobPreconditionFailedException(BlobErrorCodes.AppendPositionConditionNotMet,
                    $"The append position condition was not met: the blob is {state.Length} bytes long, not {position}.");
            }

            if (conditions?.MaxSize is { } max && state.Length + data.Length > max)
            {
                throw new BlobPreconditionFailedException(BlobErrorCodes.MaxBlobSizeConditionNotMet,
                    $"The max blob size condition was not met: {state.Length} + {data.Length} bytes exceeds {max}.");
            }

            if (state.BlockCount >= BlobLimits.MaxAppendBlocks)
            {
                throw new BlobConflictException(BlobErrorCodes.BlockCountExceedsLimit, $"The committed block count cannot exceed {BlobLimits.MaxAppendBlocks} blocks.");
            }

            // Content first, then the state slot that points past it, then one fdatasync for both.
            _files.EnsureDurable(handle, file, state);
            RandomAccess.Write(handle, data.Span, BlobFile.DataOffset + state.Length);
            var next = state with
            {
                SlotSequence = state.SlotSequence + 1,
                ContentVersion = state.ContentVersion + 1,
                Length = state.Length + data.Length,
                BlockCount = state.BlockCount + 1,
                LastModified = now,
                UnsyncedOffset = state.Length,
                UnsyncedLength = data.Length,
                UnsyncedCrc = Crc32C.Compute(data.Span),
            };
            _files.WriteSlot(handle, file, next);
            await _syncs.SyncAsync(handle);
            _files.MarkDurable(file, next);
            return new AppendResult(state.Length, next.BlockCount, next.ETag, now);
        }
        catch (IOException e)
        {
            throw IoFailure(e);
        }
    }

    public async Task<BlobInfo> SealAppendBlobAsync(BlobPath path, BlobConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        var state = await MutateAsync(path, conditions, true, static (s, now) =>
        {
            if (s.BlobType != BlobType.Append)
            {
                throw new BlobConflictException(BlobErrorCodes.InvalidBlobType, "Only append blobs can be sealed.");
            }

            return s with { IsSealed = true, ContentVersion = s.ContentVersion + 1, LastModified = now };
        }, cancellationToken);
        return new BlobInfo(state.ETag, state.LastModified);
    }

    public async Task<BlobInfo> SetMetadataAsync(BlobPath path, IReadOnlyDictionary<string, string> metadata, BlobConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        BlobRules.ValidateMetadata(metadata);
        var copy = CopyMetadata(metadata);
        var state = await MutateAsync(path, conditions, true,
            (s, now) => s with { Metadata = copy, ContentVersion = s.ContentVersion + 1, LastModified = now }, cancellationToken);
        return new BlobInfo(state.ETag, state.LastModified);
    }

    public async Task SetAccessTierAsync(BlobPath path, AccessTier tier, BlobConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        if (!Enum.IsDefined(tier))
        {
            throw new ArgumentOutOfRangeException(nameof(tier), tier, "Tier is Hot, Cool or Cold.");
        }

        await MutateAsync(path, conditions, true, (s, _) => s.BlobType == BlobType.Block
            ? s with { AccessTier = tier }
            : throw new BlobStorageException(HttpStatusCode.BadRequest, BlobErrorCodes.AccessTierNotSupportedForBlobType, "The access tier is not supported for append blobs."), cancellationToken);
    }

    public async Task<bool> DeleteBlobIfExistsAsync(BlobPath path, BlobConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        try
        {
            var file = _layout.BlobFile(path);
            using var held = await _locks.AcquireAsync(EmbeddedLayout.LockKey(path), cancellationToken);
            using (var handle = TryOpen(file))
            {
                if (handle is null)
                {
                    return false;
                }

                // A blob with no intact state can still be deleted unconditionally: that is how it gets repaired.
                var state = _files.Load(handle, file);
                if (state is not null || conditions is not null)
                {
                    if (state is null)
                    {
                        throw Corrupt(path);
                    }

                    CheckConditions(state, conditions?.IfMatch, conditions?.IfNoneMatch, creating: false);
                    state.Lease.CheckWrite(conditions?.LeaseId, _time.GetUtcNow());
                }
            }

            File.Delete(file);
            var folder = Path.GetDirectoryName(file)!;
            try
            {
                NativeMethods.SyncDirectory(folder);
            }
            catch (DirectoryNotFoundException)
            {
                // A concurrent delete already removed the emptied folder, and the entry with it.
            }

            RemoveEmptyFolders(folder, _layout.ContainerFolder(path.Container));
            return true;
        }
        catch (IOException e)
        {
            throw IoFailure(e);
        }
    }

    /// <summary>Reads, changes and rewrites a blob's state under its lock, checking ETag and lease conditions first.</summary>
    private async Task<BlobState> MutateAsync(BlobPath path, BlobConditions? conditions, bool checkLease, Func<BlobState, DateTimeOffset, BlobState> change, CancellationToken cancellationToken)
    {
        try
        {
            var file = _layout.BlobFile(path);
            using var held = await _locks.AcquireAsync(EmbeddedLayout.LockKey(path), cancellationToken);
            using var handle = OpenExisting(path, file, write: true);
            var state = LoadExisting(handle, path, file);
            var now = _time.GetUtcNow();
            CheckConditions(state, conditions?.IfMatch, conditions?.IfNoneMatch, creating: false);
            if (checkLease)
            {
                state.Lease.CheckWrite(conditions?.LeaseId, now);
            }

            var next = change(state, now) with { SlotSequence = state.SlotSequence + 1, UnsyncedLength = 0, UnsyncedOffset = 0, UnsyncedCrc = 0 };
            _files.EnsureDurable(handle, file, state);
            _files.WriteSlotAndSync(handle, file, next);
            return next;
        }
        catch (IOException e)
        {
            throw IoFailure(e);
        }
    }

    private async Task<BlobInfo> ReplaceAsync(BlobPath path, BlobType type, ReadOnlyMemory<byte> content, PutBlobOptions? options, CancellationToken cancellationToken)
    {
        try
        {
            BlobRules.ValidatePutOptions(type, options);
            var file = _layout.BlobFile(path);
            var folder = Path.GetDirectoryName(file)!;
            var containerFolder = _layout.ContainerFolder(path.Container);
            using var held = await _locks.AcquireAsync(EmbeddedLayout.LockKey(path), cancellationToken);
            EnsureContainer(path.Container);
            BlobState? existing;
            using (var current = TryOpen(file))
            {
                existing = current is null ? null : _files.Load(current, file);
                if (current is not null && existing is null && options?.Conditions is not null)
                {
                    // Conditions cannot be judged against a blob with no intact state; an unconditional put replaces it.
                    throw Corrupt(path);
                }
            }

            var now = _time.GetUtcNow();
            var conditions = options?.Conditions;
            CheckConditions(existing, conditions?.IfMatch, conditions?.IfNoneMatch, creating: true);
            (existing?.Lease ?? LeaseRecord.None).CheckWrite(conditions?.LeaseId, now);

            var state = new BlobState
            {
                SlotSequence = 1,
                Generation = Guid.NewGuid(),
                ContentVersion = (existing?.ContentVersion ?? 0) + 1,
                BlobType = type,
                Length = content.Length,
                AccessTier = type == BlobType.Block ? options?.AccessTier : null,
                CreatedOn = now,
                LastModified = now,
                ContentType = string.IsNullOrEmpty(options?.ContentType) ? "application/octet-stream" : options.ContentType,
                Metadata = CopyMetadata(options?.Metadata),
                Lease = existing is not null && existing.Lease.IsActiveAt(now) ? existing.Lease : LeaseRecord.None,
            };

            // Write a complete new file, make it durable, then rename it over the old one: readers and
            // crashes see either the old blob or the new one, never a mix.
            for (var attempt = 1; ; attempt++)
            {
                var temp = Path.Combine(folder, "." + Guid.NewGuid().ToString("N") + EmbeddedLayout.TempSuffix);
                try
                {
                    EnsureFolders(containerFolder, folder);
                    using (var handle = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read))
                    {
                        if (!content.IsEmpty)
                        {
                            RandomAccess.Write(handle, content.Span, BlobFile.DataOffset);
                        }

                        _files.WriteSlotAndSync(handle, file, state);
                    }

                    // Once the temp file is in the folder, no concurrent delete can remove the folder under us.
                    File.Move(temp, file, overwrite: true);
                    NativeMethods.SyncDirectory(folder);
                    return new BlobInfo(state.ETag, now);
                }
                catch (IOException e) when (e is DirectoryNotFoundException or FileNotFoundException && attempt < MaxFolderRaces)
                {
                    // A delete of a sibling removed an emptied folder on our path between two steps: make it again.
                    TryDelete(temp);
                    EnsureContainer(path.Container);
                }
                catch
                {
                    TryDelete(temp);
                    throw;
                }
            }
        }
        catch (IOException e)
        {
            throw IoFailure(e);
        }
    }

    private static SafeFileHandle? TryOpen(string file)
    {
        try
        {
            return File.OpenHandle(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Creates the folders between the container and the blob, syncing each new entry into its parent.</summary>
    private static void EnsureFolders(string containerFolder, string folder)
    {
        if (folder.Length <= containerFolder.Length || Directory.Exists(folder))
        {
            return;
        }

        EnsureFolders(containerFolder, Path.GetDirectoryName(folder)!);
        try
        {
            if (NativeMethods.TryCreateDirectory(folder))
            {
                NativeMethods.SyncDirectory(Path.GetDirectoryName(folder)!);
            }
        }
        catch (DirectoryNotFoundException)
        {
            if (!Directory.Exists(containerFolder))
            {
                throw ContainerNotFound();
            }

            throw;
        }
    }

    private static void RemoveEmptyFolders(string folder, string containerFolder)
    {
        while (folder.Length > containerFolder.Length)
        {
            try
            {
                Directory.Delete(folder, recursive: false);
            }
            catch (IOException)
            {
                return; // not empty (or already gone): stop climbing
            }

            folder = Path.GetDirectoryName(folder)!;
        }
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (IOException)
        {
        }
    }

    private static IReadOnlyDictionary<string, string> CopyMetadata(IReadOnlyDictionary<string, string>? metadata) =>
        metadata is null || metadata.Count == 0
            ? BlobProperties.EmptyMetadata
            : new Dictionary<string, string>(metadata, StringComparer.OrdinalIgnoreCase).AsReadOnly();
}
