namespace Platform.Video.Ingest.WebRtc.Transport;

/// <summary>WebRTC ingest settings, bound from <c>Platform:Video:WebRtc</c>.</summary>
public sealed class WebRtcOptions
{
    public const string SectionName = "Platform:Video:WebRtc";

    /// <summary>The one UDP port every session shares (8189). 0 picks a free port (tests).</summary>
    public int Port { get; set; } = 8189;

    /// <summary>The address the UDP socket binds to (0.0.0.0).</summary>
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>
    /// Addresses announced as ICE candidates in every answer. Empty: the bind address when it is a specific address,
    /// otherwise every non-loopback address of the machine's interfaces that are up.
    /// </summary>
    public List<string> PublicAddresses { get; set; } = [];

    /// <summary>A session that hears nothing (no STUN consent check, no media) for this long is ended (30 s).</summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Sessions allowed at once (100); more get 503.</summary>
    public int MaxSessions { get; set; } = 100;

    /// <summary>
    /// Media time after a keyframe at which the next is asked for with PLI even without loss, so fragments can start
    /// often (2 s, the fragmenter's default target: keyframes then come just over the target apart; 0 turns it off).
    /// </summary>
    public TimeSpan KeyframeInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a gap in video sequence numbers waits for a retransmission before the frame is given up (300 ms).</summary>
    public TimeSpan VideoReorderWait { get; set; } = TimeSpan.FromMilliseconds(300);
}
