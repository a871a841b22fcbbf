namespace Platform.Video.Ingest.WebRtc.Rtcp;

/// <summary>The sender information of an RTCP sender report (RFC 3550 section 6.4.1).</summary>
/// <param name="Ssrc">The sender.</param>
/// <param name="NtpTimestamp">Wall-clock time, 32.32 fixed point seconds since 1900.</param>
/// <param name="RtpTimestamp">The RTP timestamp of the same instant.</param>
/// <param name="PacketCount">Packets sent.</param>
/// <param name="OctetCount">Payload octets sent.</param>
public readonly record struct SenderReport(uint Ssrc, ulong NtpTimestamp, uint RtpTimestamp, uint PacketCount, uint OctetCount)
{
    /// <summary>The middle 32 bits of the NTP timestamp, which receiver reports echo as LSR.</summary>
    public uint CompactNtp => (uint)(NtpTimestamp >> 16);
}
