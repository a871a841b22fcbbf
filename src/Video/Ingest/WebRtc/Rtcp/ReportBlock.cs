namespace Platform.Video.Ingest.WebRtc.Rtcp;

/// <summary>A reception report block (RFC 3550 section 6.4.1).</summary>
/// <param name="Ssrc">The source reported on.</param>
/// <param name="FractionLost">Fraction lost since the last report, in 1/256.</param>
/// <param name="CumulativeLost">Packets lost since the start (24-bit signed).</param>
/// <param name="ExtendedHighestSequence">Highest sequence number received, with wraps counted in the upper 16 bits.</param>
/// <param name="Jitter">Interarrival jitter in timestamp units.</param>
/// <param name="LastSenderReport">Middle 32 bits of the last SR's NTP timestamp (0 when none).</param>
/// <param name="DelaySinceLastSenderReport">Delay since that SR in 1/65536 seconds.</param>
public readonly record struct ReportBlock(
    uint Ssrc,
    byte FractionLost,
    int CumulativeLost,
    uint ExtendedHighestSequence,
    uint Jitter,
    uint LastSenderReport,
    uint DelaySinceLastSenderReport);
