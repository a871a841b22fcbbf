namespace Platform.Video.Ingest.WebRtc.Rtp;

/// <summary>A received RTP packet that owns its bytes, with its header parsed and its sequence number extended.</summary>
/// <param name="Header">The parsed header.</param>
/// <param name="Data">The whole packet.</param>
/// <param name="ExtendedSequence">The sequence number with wraps counted (see <see cref="SequenceUnwrapper"/>).</param>
public sealed record RtpPacket(RtpHeader Header, byte[] Data, long ExtendedSequence)
{
    public ReadOnlySpan<byte> Payload => Data.AsSpan(Header.PayloadOffset, Header.PayloadLength);
}
