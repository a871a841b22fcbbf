using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Platform.Storage.Embedded;

/// <summary>
/// The few POSIX calls .NET does not expose: fsync of a directory, fdatasync, mkdir with EEXIST, flock.
/// Only flags and errno values that are the same on every Linux architecture are used; other operating
/// systems are refused at start-up rather than misbehaving.
/// </summary>
internal static partial class NativeMethods
{
    public const int LockExclusive = 2;
    public const int LockNonBlocking = 4;
    public const int LockUnlock = 8;
    private const int OpenReadOnly = 0;
    private const int OpenReadWrite = 2;
    private const int OpenCreate = 0x40;
    private const int OpenCloseOnExec = 0x80000;
    private const int ErrorExists = 17;
    private const int ErrorWouldBlock = 11;
    private const int ErrorInterrupted = 4;
    private const int ErrorNoEntry = 2;

    /// <summary>Throws unless the flags and calls above mean what we think they mean here.</summary>
    public static void EnsureSupported()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The embedded storage backend needs Linux (it relies on fdatasync, directory fsync and flock); use the AzureBlob backend elsewhere.");
        }
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8, EntryPoint = "open")]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", SetLastError = true, EntryPoint = "close")]
    private static partial int Close(int fd);

    [LibraryImport("libc", SetLastError = true, EntryPoint = "fsync")]
    private static partial int FsyncFd(int fd);

    [LibraryImport("libc", SetLastError = true, EntryPoint = "fdatasync")]
    private static partial int FdatasyncFd(nint fd);

    [LibraryImport("libc", SetLastError = true, EntryPoint = "flock")]
    private static partial int Flock(int fd, int operation);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8, EntryPoint = "mkdir")]
    private static partial int Mkdir(string path, int mode);

    /// <summary>Makes a file's data durable (its size included).</summary>
    public static void DataSync(SafeFileHandle handle)
    {
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            int rc;
            do
            {
                rc = FdatasyncFd(handle.DangerousGetHandle());
            }
            while (rc != 0 && Marshal.GetLastPInvokeError() == ErrorInterrupted);

            if (rc != 0)
            {
                throw new IOException($"fdatasync failed with errno {Marshal.GetLastPInvokeError()}.");
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>Makes a directory's entries (creations, renames, deletions) durable.</summary>
    public static void SyncDirectory(string path)
    {
        var fd = Open(path, OpenReadOnly | OpenCloseOnExec, 0);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == ErrorNoEntry)
            {
                throw new DirectoryNotFoundException($"Directory '{path}' vanished before it could be synced.");
            }

            throw new IOException($"Cannot open directory '{path}' to sync it (errno {errno}).");
        }

        try
        {
            if (FsyncFd(fd) != 0)
            {
                throw new IOException($"fsync of directory '{path}' failed with errno {Marshal.GetLastPInvokeError()}.");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>Creates a directory; false when it already exists.</summary>
    public static bool TryCreateDirectory(string path)
    {
        if (Mkdir(path, 0x1ED /* 0755 */) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        if (errno == ErrorExists)
        {
            return false;
        }

        if (errno == ErrorNoEntry)
        {
            throw new DirectoryNotFoundException($"Parent of '{path}' does not exist.");
        }

        throw new IOException($"mkdir '{path}' failed with errno {errno}.");
    }

    public static int OpenLockFile(string path)
    {
        var fd = Open(path, OpenReadWrite | OpenCreate | OpenCloseOnExec, 0x1A4 /* 0644 */);
        return fd >= 0 ? fd : throw new IOException($"Cannot open lock file '{path}' (errno {Marshal.GetLastPInvokeError()}).");
    }

    public static void CloseFd(int fd) => _ = Close(fd);

    /// <summary>Tries to take an exclusive flock without blocking; false when another process holds it.</summary>
    public static bool TryLockExclusive(int fd)
    {
        while (true)
        {
            if (Flock(fd, LockExclusive | LockNonBlocking) == 0)
            {
                return true;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno == ErrorWouldBlock)
            {
                return false;
            }

            if (errno != ErrorInterrupted)
            {
                throw new IOException($"flock failed with errno {errno}.");
            }
        }
    }

    public static void Unlock(int fd) => _ = Flock(fd, LockUnlock);
}
