namespace Platform.Video.Ingest.WebRtc.Rtp;

/// <summary>
/// Puts one SSRC's packets back in sequence order, waits a bounded time for missing ones (while NACKs ask for them),
/// then gives up on a gap and reports the loss so depacketizers drop the damaged frame. Holds at most
/// <see cref="Capacity"/> packets; nothing here touches time or I/O except through the <c>now</c> arguments.
/// </summary>
public sealed class ReorderBuffer(TimeSpan maxWait, int capacity = 512)
{
    private const int MaxNacksPerPacket = 3;
    private static readonly TimeSpan NackInterval = TimeSpan.FromMilliseconds(40);

    private readonly SortedDictionary<long, RtpPacket> _packets = [];
    private readonly Dictionary<long, (TimeSpan LastSent, int Count)> _nacks = [];
    private long _next = -1;
    private long _highest = -1;
    private long _first = -1;
    private TimeSpan _gapSince = TimeSpan.MinValue;

    public int Capacity => capacity;

    public int Count => _packets.Count;

    /// <summary>Packets declared lost so far (given up on after the wait).</summary>
    public long Lost { get; private set; }

    /// <summary>The highest extended sequence number received (-1 before the first packet), for receiver reports.</summary>
    public long HighestSequence => _highest;

    /// <summary>Packets expected so far: from the first sequence number received to the highest (RFC 3550 A.3).</summary>
    public long Expected => _first < 0 ? 0 : _highest - _first + 1;

    /// <summary>Sequence numbers seen missing when a later packet arrived (gaps, before any retransmission).</summary>
    public long Missing { get; private set; }

    /// <summary>Missing packets that arrived afterwards in time to be used (reordered or retransmitted).</summary>
    public long Recovered { get; private set; }

    /// <summary>Of <see cref="Recovered"/>, those that had been asked for with a NACK.</summary>
    public long RecoveredAfterNack { get; private set; }

    /// <summary>Adds a packet; false for a duplicate or one older than what was already released.</summary>
    public bool Insert(RtpPacket packet, TimeSpan now)
    {
        var seq = packet.ExtendedSequence;
        if (_next < 0)
        {
            _next = seq;
            _first = seq;
        }

        if (seq < _next || _packets.ContainsKey(seq))
        {
            return false;
        }

        // A jump far ahead (a restarted sender, or a gap longer than the buffer) resets instead of waiting.
        if (seq - _next >= capacity)
        {
            Lost += _packets.Count == 0 ? seq - _next : 0;
            _packets.Clear();
            _nacks.Clear();
            _next = seq;
            _gapSince = TimeSpan.MinValue;
        }
        else if (_highest >= 0 && seq > _highest + 1)
        {
            Missing += seq - _highest - 1;
        }
        else if (seq < _highest)
        {
            Recovered++;
            RecoveredAfterNack += _nacks.ContainsKey(seq) ? 1 : 0;
        }

        _packets[seq] = packet;
        _nacks.Remove(seq);
        if (seq > _highest)
        {
            _highest = seq;
        }

        return true;
    }

    /// <summary>Takes the next packet in order, skipping a gap that has waited longer than the limit.</summary>
    /// <param name="now">The current time on a monotonic clock.</param>
    /// <param name="packet">The packet.</param>
    /// <param name="lossBefore">True when packets before this one were given up on.</param>
    public bool TryDequeue(TimeSpan now, out RtpPacket? packet, out bool lossBefore)
    {
        lossBefore = false;
        packet = null;
        if (_packets.Count == 0)
        {
            _gapSince = TimeSpan.MinValue;
            return false;
        }

        var first = _packets.First();
        if (first.Key != _next)
        {
            if (_gapSince == TimeSpan.MinValue)
            {
                _gapSince = now;
            }

            if (now - _gapSince < maxWait && _packets.Count < capacity)
            {
                return false;
            }

            Lost += first.Key - _next;
            for (var s = _next; s < first.Key; s++)
            {
                _nacks.Remove(s);
            }

            lossBefore = true;
        }

        _packets.Remove(first.Key);
        _next = first.Key + 1;
        _gapSince = TimeSpan.MinValue;
        packet = first.Value;
        return true;
    }

    /// <summary>Adds the sequence numbers worth asking for again: missing, not asked for too often nor too recently.</summary>
    public void CollectNacks(TimeSpan now, List<ushort> into)
    {
        if (_next < 0 || _highest < _next)
        {
            return;
        }

        // Bounded by capacity: the span from next to highest never exceeds it (Insert resets beyond).
        for (var s = _next; s < _highest && into.Count < 256; s++)
        {
            if (_packets.ContainsKey(s))
            {
                continue;
            }

            if (_nacks.TryGetValue(s, out var state))
            {
                if (state.Count >= MaxNacksPerPacket || now - state.LastSent < NackInterval)
                {
                    continue;
                }

                _nacks[s] = (now, state.Count + 1);
            }
            else
            {
                _nacks[s] = (now, 1);
            }

            into.Add((ushort)s);
        }
    }
}
