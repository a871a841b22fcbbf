namespace Platform.Video.Ingest.WebRtc.Transport;

/// <summary>Per-session counters, written by the session's loop and read by tests and diagnostics.</summary>
public sealed class WebRtcSessionStats
{
    public long RtpPackets { get; set; }
    public long SrtpFailures { get; set; }
    public long VideoFrames { get; set; }
    public long Keyframes { get; set; }
    public long AudioFrames { get; set; }
    public long DroppedVideoFrames { get; set; }
    public long NacksSent { get; set; }
    public long NackedPackets { get; set; }
    public long PlisSent { get; set; }
    public long InboundDropped { get; set; }
}
