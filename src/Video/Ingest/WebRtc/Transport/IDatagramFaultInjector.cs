namespace Platform.Video.Ingest.WebRtc.Transport;

/// <summary>
/// A seam for resilience tests: decides whether the transport should act as if an arriving datagram was lost on the
/// network. Not registered in production; tests register one where the kernel has no <c>tc netem</c>.
/// </summary>
public interface IDatagramFaultInjector
{
    bool ShouldDrop(PacketKind kind);
}
