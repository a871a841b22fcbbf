namespace Platform.Video.Ingest.WebRtc.Srtp;

/// <summary>
/// A sliding replay window over packet indexes (RFC 3711 section 3.3.2): the highest index seen and a bitmask of the
/// 64 before it. <see cref="IsReplay"/> is checked before authentication, <see cref="Accept"/> only after it succeeds,
/// so forged packets cannot move the window.
/// </summary>
public sealed class ReplayWindow
{
    public const int Size = 64;
    private ulong _mask;
    private bool _started;

    public long Highest { get; private set; }

    public bool IsReplay(long index)
    {
        if (!_started || index > Highest)
        {
            return false;
        }

        var delta = Highest - index;
        return delta >= Size || (_mask & (1UL << (int)delta)) != 0;
    }

    public void Accept(long index)
    {
        if (!_started)
        {
            _started = true;
            Highest = index;
            _mask = 1;
            return;
        }

        if (index > Highest)
        {
            var shift = index - Highest;
            _mask = shift >= Size ? 1 : (_mask << (int)shift) | 1;
            Highest = index;
        }
        else
        {
            _mask |= 1UL << (int)(Highest - index);
        }
    }
}
