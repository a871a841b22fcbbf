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

    /// <summary>Video RTP sequence numbers found missing on arrival (gaps).</summary>
    public long VideoPacketsMissing { get; set; }

    /// <summary>Missing video packets that arrived later in time (after a NACK or reordered).</summary>
    public long VideoPacketsRecovered { get; set; }

    /// <summary>Of those, the ones that had been NACKed: recovered by retransmission.</summary>
    public long VideoPacketsRetransmitted { get; set; }

    /// <summary>Video packets given up on after the reorder wait.</summary>
    public long VideoPacketsLost { get; set; }
}
