namespace Platform.Video.Hls;

/// <summary>Kinesis Video Streams' <c>PlaybackMode</c>: which fragments a session's media playlist lists.</summary>
public enum HlsPlaybackMode
{
    /// <summary>A sliding window of the newest fragments.</summary>
    Live,

    /// <summary>From a start timestamp onwards, moving forward in real time, until the live edge or the end timestamp.</summary>
    LiveReplay,

    /// <summary>A fixed time range, ended with <c>EXT-X-ENDLIST</c>.</summary>
    OnDemand,
}
