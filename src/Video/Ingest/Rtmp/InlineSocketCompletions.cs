using System.Net.Sockets;
using System.Reflection;

namespace Platform.Video.Ingest.Rtmp;

/// <summary>
/// Lets a socket's receive completions run on the runtime's socket event thread instead of being handed to the thread
/// pool (Linux and macOS). A publisher sends a few small writes per frame; handing each one to a pool thread costs two
/// thread wake-ups, which on a small machine is most of the CPU an ingested stream costs. The runtime exposes the
/// switch per socket only internally (it is what Kestrel's <c>UnsafePreferInlineScheduling</c> relies on), so it is
/// set by reflection and simply stays off when a runtime lacks it.
/// </summary>
/// <remarks>
/// Code that runs inline holds up every socket of the process for as long as it runs, so an RTMP connection's read loop
/// must stay short and non-blocking: parsing and fragmenting are, and the blocking parts (storage I/O when a publish
/// starts or ends) are moved to the thread pool by <see cref="RtmpConnection"/>.
/// </remarks>
internal static class InlineSocketCompletions
{
    private static readonly PropertyInfo? Property =
        typeof(Socket).GetProperty("PreferInlineCompletions", BindingFlags.Instance | BindingFlags.NonPublic);

    /// <summary>True when this runtime has the switch (on Windows it exists but has no effect).</summary>
    public static bool Available => Property is { CanWrite: true } && Property.PropertyType == typeof(bool);

    /// <summary>Turns inline completions on for <paramref name="socket"/>; false when the runtime has no such switch.</summary>
    public static bool TryEnable(Socket socket)
    {
        if (!Available || OperatingSystem.IsWindows())
        {
            return false;
        }

        Property!.SetValue(socket, true);
        return true;
    }
}
