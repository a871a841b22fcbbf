using Platform.Video.Media;

namespace Platform.Video.Ingest.WebRtc.Rtp;

/// <summary>One reassembled H.264 access unit.</summary>
/// <param name="Timestamp">Extended RTP timestamp (90 kHz).</param>
/// <param name="Data">NAL units, each with a 4-byte big-endian length prefix.</param>
/// <param name="IsKeyframe">True when it holds an IDR slice.</param>
/// <param name="Config">The track configuration from the latest SPS and PPS (the same instance until they change).</param>
public sealed record H264Frame(long Timestamp, byte[] Data, bool IsKeyframe, TrackConfig Config);
