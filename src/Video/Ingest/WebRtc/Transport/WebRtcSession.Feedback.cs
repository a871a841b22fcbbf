using System.Buffers;
using Platform.Video.Ingest.WebRtc.Rtcp;
using Platform.Video.Ingest.WebRtc.Rtp;

namespace Platform.Video.Ingest.WebRtc.Transport;

public sealed partial class WebRtcSession
{
    private const uint LocalSsrc = 1;
    private static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MinPliInterval = TimeSpan.FromMilliseconds(500);

    private readonly List<ushort> _nacks = [];
    private readonly List<RtcpHeader> _rtcpHeaders = [];
    private readonly List<uint> _goodbyes = [];
    private TimeSpan _lastReport;
    private TimeSpan _lastPli = TimeSpan.FromDays(-1);
    private (uint CompactNtp, TimeSpan At)? _lastVideoSr;
    private (uint CompactNtp, TimeSpan At)? _lastAudioSr;
    private byte _firSequence;
    private (long Expected, long Lost) _videoReported;
    private (long Expected, long Lost) _audioReported;

    private void OnRtcp(byte[] datagram)
    {
        if (_receiveSrtp is null || !_receiveSrtp.TryUnprotectRtcp(datagram, out var length))
        {
            Stats.SrtpFailures++;
            return;
        }

        Interlocked.Exchange(ref _lastHeard, _time.GetTimestamp());
        _rtcpHeaders.Clear();
        RtcpReader.TrySplit(datagram.AsSpan(0, length), _rtcpHeaders);
        foreach (var header in _rtcpHeaders)
        {
            var packet = datagram.AsSpan(header.Offset, header.Length);
            if (RtcpReader.TryReadSenderReport(packet, out var report))
            {
                if (report.Ssrc == _videoSsrc)
                {
                    _videoClock.OnSenderReport(report.NtpTimestamp, _videoTimestamps.Unwrap(report.RtpTimestamp));
                    _lastVideoSr = (report.CompactNtp, Now);
                }
                else if (report.Ssrc == _audioSsrc)
                {
                    _audioClock.OnSenderReport(report.NtpTimestamp, _audioTimestamps.Unwrap(report.RtpTimestamp));
                    _lastAudioSr = (report.CompactNtp, Now);
                }
            }
            else if (header.PacketType == RtcpPacketType.Goodbye)
            {
                _goodbyes.Clear();
                if (RtcpReader.TryReadGoodbye(packet, _goodbyes) && _videoSsrc is { } video && _goodbyes.Contains(video))
                {
                    Post(new Inbound(PacketKind.Unknown, null, new EndSignal("the publisher said goodbye (RTCP BYE)")));
                }
            }
        }
    }

    private async ValueTask OnTickAsync(CancellationToken cancellationToken)
    {
        var now = Now;
        if (_time.GetElapsedTime(Interlocked.Read(ref _lastHeard)) > _options.SessionTimeout)
        {
            Post(new Inbound(PacketKind.Unknown, null, new EndSignal("no packets for " + _options.SessionTimeout.TotalSeconds + " s (consent expired)")));
            return;
        }

        if (_receiveSrtp is null)
        {
            return;
        }

        await DrainVideoAsync(now, cancellationToken);
        await DrainAudioAsync(now, cancellationToken);
        if (_sendSrtp is null || _videoSsrc is not { } videoSsrc)
        {
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(1500);
        try
        {
            var length = 0;
            var due = now - _lastReport >= ReportInterval;
            _nacks.Clear();
            _videoBuffer.CollectNacks(now, _nacks);
            // The periodic request counts from the last keyframe's media time, not from the last PLI: the next one
            // is then captured at least the interval later, so the fragmenter (cutting at the first keyframe once
            // its target is reached) cuts at every one. Counting from the PLI put about half the keyframes a few
            // milliseconds short of 2 s, and those fragments ran to the keyframe after: 4 s.
            var sinceKeyframe = _lastKeyframeTimestamp is { } key ? (_latestVideoTimestamp - key) / 90_000.0 : double.MaxValue;
            var wantKeyframe = _h264.WaitingForKeyframe ||
                (_options.KeyframeInterval > TimeSpan.Zero && sinceKeyframe >= _options.KeyframeInterval.TotalSeconds);
            var pli = wantKeyframe && now - _lastPli >= MinPliInterval;
            if (!due && _nacks.Count == 0 && !pli)
            {
                return;
            }

            length = RtcpWriter.WriteReceiverReport(buffer, length, LocalSsrc, ReportBlocks(now));
            if (_nacks.Count > 0)
            {
                // At most 100 sequence numbers per packet keeps the datagram small; the rest go in the next tick.
                if (_nacks.Count > 100)
                {
                    _nacks.RemoveRange(100, _nacks.Count - 100);
                }

                length = RtcpWriter.WriteNack(buffer, length, LocalSsrc, videoSsrc, _nacks);
                Stats.NacksSent++;
                Stats.NackedPackets += _nacks.Count;
            }

            if (pli)
            {
                length = RtcpWriter.WritePli(buffer, length, LocalSsrc, videoSsrc);
                if (Offer.Video.Feedback.Contains("ccm fir") && _h264.Config is null)
                {
                    length = RtcpWriter.WriteFir(buffer, length, LocalSsrc, videoSsrc, _firSequence++);
                }

                _lastPli = now;
                Stats.PlisSent++;
            }

            if (due)
            {
                _lastReport = now;
            }

            length = _sendSrtp.ProtectRtcp(buffer, length);
            await SendAsync(buffer.AsMemory(0, length), cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private List<ReportBlock> ReportBlocks(TimeSpan now)
    {
        var blocks = new List<ReportBlock>(2);
        if (_videoSsrc is { } video)
        {
            blocks.Add(Block(video, _videoBuffer, ref _videoReported, _lastVideoSr, now));
        }

        if (_audioSsrc is { } audio)
        {
            blocks.Add(Block(audio, _audioBuffer, ref _audioReported, _lastAudioSr, now));
        }

        return blocks;
    }

    private static ReportBlock Block(uint ssrc, ReorderBuffer buffer, ref (long Expected, long Lost) previous, (uint CompactNtp, TimeSpan At)? lastSr, TimeSpan now)
    {
        var lsr = lastSr?.CompactNtp ?? 0;
        var dlsr = lastSr is { } sr ? (uint)((now - sr.At).TotalSeconds * 65536) : 0;

        // Chromium's loss-based bandwidth estimate only counts report blocks whose extended highest sequence advances:
        // without it the sender stays at its 300 kbit/s start rate. Lost means given up on (a retransmission that
        // arrived in time counts as received, as RFC 3550 has it). Jitter is not tracked.
        var expected = buffer.Expected;
        var lost = buffer.Lost;
        var expectedDelta = expected - previous.Expected;
        var lostDelta = lost - previous.Lost;
        previous = (expected, lost);
        var fraction = expectedDelta <= 0 || lostDelta <= 0 ? (byte)0 : (byte)Math.Min(255, lostDelta * 256 / expectedDelta);
        var highest = buffer.HighestSequence < 0 ? 0u : (uint)(buffer.HighestSequence & 0xFFFFFFFF);
        return new ReportBlock(ssrc, fraction, (int)Math.Min(lost, 0x7FFFFF), highest, 0, lsr, dlsr);
    }

    private async ValueTask SendGoodbyeAsync()
    {
        var buffer = new byte[64];
        var length = RtcpWriter.WriteReceiverReport(buffer, 0, LocalSsrc, []);
        length = RtcpWriter.WriteGoodbye(buffer, length, LocalSsrc);
        length = _sendSrtp!.ProtectRtcp(buffer, length);
        await SendAsync(buffer.AsMemory(0, length), CancellationToken.None);
    }
}
