namespace Platform.Video.Ingest.WebRtc.Rtcp;

/// <summary>One packet's header inside a compound RTCP packet.</summary>
/// <param name="Count">The 5-bit count (reception reports, sources) or feedback format.</param>
/// <param name="PacketType">The packet type.</param>
/// <param name="Offset">Where the packet starts in the compound packet.</param>
/// <param name="Length">The packet's length in bytes, header included.</param>
public readonly record struct RtcpHeader(int Count, byte PacketType, int Offset, int Length);
