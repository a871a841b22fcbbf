namespace Platform.Video.Hls;

/// <summary>Kinesis Video Streams' <c>DiscontinuityMode</c>: where <c>EXT-X-DISCONTINUITY</c> tags go.</summary>
public enum HlsDiscontinuityMode
{
    /// <summary>Between every two fragments (for producers whose timestamps cannot be trusted).</summary>
    Always,

    /// <summary>Nowhere; the player sees one continuous timeline.</summary>
    Never,

    /// <summary>Before a fragment that starts a new publish session or codec configuration.</summary>
    OnDiscontinuity,
}
