namespace Platform.Video.Ingest.Rtmp;

/// <summary>The RTMP ingest server. Bound from <c>Platform:Video:Rtmp</c> and validated at start-up.</summary>
public sealed class RtmpOptions
{
    public const string Section = "Platform:Video:Rtmp";

    /// <summary>TCP port (default 1935, RTMP's registered port); 0 picks a free one (tests read <see cref="RtmpServer.Port"/>).</summary>
    public int Port { get; set; } = 1935;

    /// <summary>Address to listen on (default <c>0.0.0.0</c>, every IPv4 interface, so cameras on the network can publish).</summary>
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>Concurrent connections accepted (default 256); connections beyond it are closed at once.</summary>
    public int MaxConnections { get; set; } = 256;

    /// <summary>Time a client has to complete the handshake (default 10 s).</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A connection that sends nothing for this long is closed (default 30 s).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Largest RTMP message accepted (default 4 MiB, 64 KiB–64 MiB), and so the largest video frame; bounds a
    /// connection's memory to about three times this.
    /// </summary>
    public int MaxMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// Run receive completions of publisher sockets on the runtime's socket event thread rather than the thread pool
    /// (default true; Linux and macOS). Saves two thread wake-ups per socket read, the main CPU cost of a stream; off
    /// brings back the runtime's default scheduling.
    /// </summary>
    public bool InlineSocketCompletions { get; set; } = true;
}
