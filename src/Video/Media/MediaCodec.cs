namespace Platform.Video.Media;

/// <summary>The codecs the platform ingests, stores and plays.</summary>
public enum MediaCodec
{
    /// <summary>H.264 / AVC; access units are length-prefixed NAL units (4-byte big-endian lengths, as in MP4 and FLV).</summary>
    H264,

    /// <summary>AAC (LC, HE); access units are raw AAC frames (no ADTS header).</summary>
    Aac,

    /// <summary>Opus; access units are Opus packets as carried in RTP.</summary>
    Opus,
}
