using Platform.Video.Ingest.WebRtc.Rtp;
using Platform.Video.Media;

namespace Platform.Video.Ingest.WebRtc.Transport;

public sealed partial class WebRtcSession
{
    private static readonly TimeSpan AudioReorderWait = TimeSpan.FromMilliseconds(60);
    private static readonly TrackConfig OpusConfig = new(TrackKind.Audio, MediaCodec.Opus, 48_000, ReadOnlyMemory<byte>.Empty, SampleRate: 48_000, Channels: 2);

    private readonly ReorderBuffer _videoBuffer;
    private readonly ReorderBuffer _audioBuffer = new(AudioReorderWait, 128);
    private readonly SequenceUnwrapper _videoSequence = new();
    private readonly SequenceUnwrapper _audioSequence = new();
    private readonly TimestampUnwrapper _videoTimestamps = new();
    private readonly TimestampUnwrapper _audioTimestamps = new();
    private readonly SenderReportClock _videoClock = new(90_000);
    private readonly SenderReportClock _audioClock = new(48_000);
    private readonly H264Depacketizer _h264 = new();
    private readonly List<H264Frame> _frames = [];
    private uint? _videoSsrc;
    private uint? _audioSsrc;
    private TrackConfig? _videoConfig;
    private bool _audioDeclared;
    private long? _lastKeyframeTimestamp;
    private long _latestVideoTimestamp;

    // The media timeline starts at the first keyframe; audio is placed on it by arrival time, so both tracks line up
    // within network jitter even before sender reports arrive.
    private long? _videoOrigin;
    private TimeSpan _videoOriginArrival;
    private long? _audioOrigin;
    private long _audioOffset;

    private async ValueTask OnRtpAsync(byte[] datagram, CancellationToken cancellationToken)
    {
        if (_receiveSrtp is null)
        {
            return; // media before the handshake finished cannot be decrypted
        }

        if (!_receiveSrtp.TryUnprotectRtp(datagram, out var length))
        {
            Stats.SrtpFailures++;
            return;
        }

        Interlocked.Exchange(ref _lastHeard, _time.GetTimestamp());
        Stats.RtpPackets++;
        if (!RtpHeader.TryParse(datagram.AsSpan(0, length), out var header))
        {
            return;
        }

        var now = Now;
        if (header.PayloadType == Offer.Video.PayloadType)
        {
            _videoSsrc ??= header.Ssrc;
            if (header.Ssrc == _videoSsrc)
            {
                _videoBuffer.Insert(new RtpPacket(header, datagram, _videoSequence.Unwrap(header.SequenceNumber)), now);
                await DrainVideoAsync(now, cancellationToken);
            }
        }
        else if (Offer.Audio is { } audio && header.PayloadType == audio.PayloadType)
        {
            _audioSsrc ??= header.Ssrc;
            if (header.Ssrc == _audioSsrc)
            {
                _audioBuffer.Insert(new RtpPacket(header, datagram, _audioSequence.Unwrap(header.SequenceNumber)), now);
                await DrainAudioAsync(now, cancellationToken);
            }
        }
    }

    private async ValueTask DrainVideoAsync(TimeSpan now, CancellationToken cancellationToken)
    {
        while (_videoBuffer.TryDequeue(now, out var packet, out var lossBefore))
        {
            var timestamp = _videoTimestamps.Unwrap(packet!.Header.Timestamp);
            _latestVideoTimestamp = Math.Max(_latestVideoTimestamp, timestamp);
            _frames.Clear();
            _h264.Push(packet.Payload, timestamp, packet.Header.Marker, lossBefore, _frames);
            foreach (var frame in _frames)
            {
                await WriteVideoAsync(frame, now, cancellationToken);
            }
        }

        Stats.DroppedVideoFrames = _h264.DroppedFrames;
        Stats.VideoPacketsMissing = _videoBuffer.Missing;
        Stats.VideoPacketsRecovered = _videoBuffer.Recovered;
        Stats.VideoPacketsRetransmitted = _videoBuffer.RecoveredAfterNack;
        Stats.VideoPacketsLost = _videoBuffer.Lost;
    }

    private async ValueTask WriteVideoAsync(H264Frame frame, TimeSpan now, CancellationToken cancellationToken)
    {
        if (_videoOrigin is null)
        {
            if (!frame.IsKeyframe)
            {
                return;
            }

            _videoOrigin = frame.Timestamp;
            _videoOriginArrival = now;

            // Both tracks go into the first init segment. Declared later, on the first audio packet, the audio would
            // force a second init and a discontinuity right after the first video frames: ffmpeg's HLS reader keeps
            // the first init's tracks across EXT-X-MAP changes and fails on the audio ("trun track id unknown"),
            // and the fragmenter would drop video up to the next IDR. The offer says audio is coming.
            if (Offer.Audio is not null && !_audioDeclared)
            {
                await _publish.SetTrackAsync(OpusConfig, cancellationToken);
                _audioDeclared = true;
            }
        }

        if (!ReferenceEquals(frame.Config, _videoConfig))
        {
            if (!frame.Config.SameDecoderSetup(_videoConfig))
            {
                await _publish.SetTrackAsync(frame.Config, cancellationToken);
            }

            _videoConfig = frame.Config;
        }

        var dts = frame.Timestamp - _videoOrigin.Value;
        await _publish.WriteAsync(new AccessUnit(TrackKind.Video, dts, dts, frame.IsKeyframe, frame.Data, _videoClock.ToWallClock(frame.Timestamp)), cancellationToken);
        Stats.VideoFrames++;
        if (frame.IsKeyframe)
        {
            Stats.Keyframes++;
            _lastKeyframeTimestamp = frame.Timestamp;
        }
    }

    private async ValueTask DrainAudioAsync(TimeSpan now, CancellationToken cancellationToken)
    {
        while (_audioBuffer.TryDequeue(now, out var packet, out _))
        {
            var timestamp = _audioTimestamps.Unwrap(packet!.Header.Timestamp);
            if (_videoOrigin is null || !OpusDepacketizer.TryGetPacket(packet.Payload, out var opus))
            {
                continue; // audio before the first keyframe has nothing to play against
            }

            if (_audioOrigin is null)
            {
                _audioOrigin = timestamp;
                _audioOffset = (long)Math.Max(0, (now - _videoOriginArrival).TotalSeconds * 48_000);
            }

            var dts = timestamp - _audioOrigin.Value + _audioOffset;
            if (dts < 0)
            {
                continue; // a late packet from before the first one written
            }

            if (!_audioDeclared)
            {
                await _publish.SetTrackAsync(OpusConfig, cancellationToken);
                _audioDeclared = true;
            }

            await _publish.WriteAsync(new AccessUnit(TrackKind.Audio, dts, dts, true, opus, _audioClock.ToWallClock(timestamp)), cancellationToken);
            Stats.AudioFrames++;
        }
    }
}
