namespace Platform.Video.Ingest.WebRtc.Rtp;

/// <summary>
/// Extends 16-bit RTP sequence numbers to 64 bits: each number is placed within half a cycle of the highest seen, so
/// reordered packets around a wrap land on the right side of it.
/// </summary>
public sealed class SequenceUnwrapper
{
    private long _highest = -1;

    public long Unwrap(ushort sequence)
    {
        if (_highest < 0)
        {
            _highest = sequence;
            return sequence;
        }

        var delta = (short)(sequence - (ushort)_highest);
        var extended = _highest + delta;
        if (extended < 0)
        {
            extended += 65536;
        }

        if (extended > _highest)
        {
            _highest = extended;
        }

        return extended;
    }
}
