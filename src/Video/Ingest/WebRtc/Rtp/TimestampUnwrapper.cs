namespace Platform.Video.Ingest.WebRtc.Rtp;

/// <summary>
/// Extends 32-bit RTP timestamps to 64 bits across wraps (about 13 hours at 90 kHz, 25 hours at 48 kHz): a timestamp
/// is read as the nearest value to the previous one, so small steps back (reordering) stay small.
/// </summary>
public sealed class TimestampUnwrapper
{
    private long _last = -1;

    public long Unwrap(uint timestamp)
    {
        if (_last < 0)
        {
            _last = timestamp;
            return timestamp;
        }

        var delta = (int)(timestamp - (uint)_last);
        _last += delta;
        return _last;
    }
}
