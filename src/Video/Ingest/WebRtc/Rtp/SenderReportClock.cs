namespace Platform.Video.Ingest.WebRtc.Rtp;

/// <summary>
/// Maps one stream's extended RTP timestamps to the sender's wall clock, anchored at the latest RTCP sender report
/// (its NTP time and the RTP timestamp of the same instant, RFC 3550 section 6.4.1).
/// </summary>
public sealed class SenderReportClock(int clockRate)
{
    private static readonly DateTimeOffset NtpEpoch = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private DateTimeOffset _anchorTime;
    private long _anchorTimestamp;

    public bool HasReport { get; private set; }

    /// <summary>Records a sender report.</summary>
    /// <param name="ntpTimestamp">The 64-bit NTP timestamp (seconds since 1900 in 32.32 fixed point).</param>
    /// <param name="extendedRtpTimestamp">Its RTP timestamp, extended with the stream's own unwrapper.</param>
    public void OnSenderReport(ulong ntpTimestamp, long extendedRtpTimestamp)
    {
        _anchorTime = FromNtp(ntpTimestamp);
        _anchorTimestamp = extendedRtpTimestamp;
        HasReport = true;
    }

    public DateTimeOffset? ToWallClock(long extendedRtpTimestamp) =>
        HasReport
            ? _anchorTime + TimeSpan.FromTicks((extendedRtpTimestamp - _anchorTimestamp) * TimeSpan.TicksPerSecond / clockRate)
            : null;

    public static DateTimeOffset FromNtp(ulong ntp)
    {
        var seconds = ntp >> 32;
        var fraction = ntp & 0xFFFFFFFF;
        return NtpEpoch + TimeSpan.FromTicks(((long)seconds * TimeSpan.TicksPerSecond) + (long)(fraction * TimeSpan.TicksPerSecond >> 32));
    }

    public static ulong ToNtp(DateTimeOffset time)
    {
        var ticks = (time - NtpEpoch).Ticks;
        var seconds = (ulong)(ticks / TimeSpan.TicksPerSecond);
        var fraction = (ulong)(ticks % TimeSpan.TicksPerSecond) * (1UL << 32) / TimeSpan.TicksPerSecond;
        return (seconds << 32) | fraction;
    }
}
