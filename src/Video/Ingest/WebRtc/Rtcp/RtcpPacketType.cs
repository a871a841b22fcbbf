namespace Platform.Video.Ingest.WebRtc.Rtcp;

/// <summary>RTCP packet types (RFC 3550, RFC 4585) and feedback formats.</summary>
public static class RtcpPacketType
{
    public const byte SenderReport = 200;
    public const byte ReceiverReport = 201;
    public const byte SourceDescription = 202;
    public const byte Goodbye = 203;
    public const byte TransportFeedback = 205;
    public const byte PayloadFeedback = 206;

    /// <summary>Generic NACK, format 1 of <see cref="TransportFeedback"/>.</summary>
    public const byte FormatNack = 1;

    /// <summary>Picture loss indication, format 1 of <see cref="PayloadFeedback"/>.</summary>
    public const byte FormatPli = 1;

    /// <summary>Full intra request, format 4 of <see cref="PayloadFeedback"/>.</summary>
    public const byte FormatFir = 4;
}
