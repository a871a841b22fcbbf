using System.Buffers.Binary;
using Platform.Video.Media;
using Platform.Video.Media.Aac;
using Platform.Video.Media.H264;

namespace Platform.Video.Ingest.Rtmp;

/// <summary>What one FLV audio or video tag turned into: a new track configuration, an access unit, or nothing.</summary>
/// <param name="Config">A changed track configuration to declare before anything else.</param>
/// <param name="Unit">An access unit to write.</param>
/// <param name="Ignored">Why the tag was skipped without closing the connection (an audio codec the platform does not store).</param>
internal readonly record struct FlvMediaEvent(TrackConfig? Config = null, AccessUnit? Unit = null, string? Ignored = null);

/// <summary>
/// Turns the bodies of RTMP audio and video messages (FLV 10.1 tags E.4.2 and E.4.3, and Enhanced RTMP's
/// <c>avc1</c> video) into track configurations and access units on the track's timescale. One per publish.
/// </summary>
/// <remarks>
/// RTMP timestamps are 32-bit milliseconds that wrap; each track's are unwrapped onto a 64-bit timeline by their
/// signed 32-bit difference, so wraparound and small jitter both work. Decode times never go backwards: a step back
/// of up to <see cref="MaxBackwardsMilliseconds"/> is clamped (encoders do this around audio priming), a larger one
/// closes the publisher.
/// </remarks>
internal sealed class FlvMediaMapper
{
    public const int VideoTimescale = 90_000;

    public const int MaxBackwardsMilliseconds = 1000;

    private readonly TrackClock _videoClock = new("video");
    private readonly TrackClock _audioClock = new("audio");
    private TrackConfig? _video;
    private TrackConfig? _audio;
    private int _nalLengthSize = 4;

    public TrackConfig? Video => _video;

    public TrackConfig? Audio => _audio;

    /// <summary>Maps a video tag body. A returned unit's data is a slice of <paramref name="tag"/> (or a rewritten copy
    /// when the NAL lengths are not 4 bytes), so it is valid as long as the caller keeps that buffer.</summary>
    /// <param name="timestamp">The message's RTMP timestamp (milliseconds, wrapping).</param>
    /// <param name="tag">The message body.</param>
    public FlvMediaEvent MapVideo(uint timestamp, ReadOnlyMemory<byte> tag)
    {
        var body = tag.Span;
        if (body.IsEmpty)
        {
            return default;
        }

        int frameType;
        int packetType;
        int compositionTime;
        int dataStart;
        var header = body[0];
        if ((header & 0x80) != 0)
        {
            // Enhanced RTMP: IsExHeader, 3-bit frame type, 4-bit packet type, then a FourCC.
            frameType = (header >> 4) & 7;
            packetType = header & 0x0F;
            if (frameType == 5 || packetType == 4)
            {
                return default; // command frame or metadata: nothing to store
            }

            Need(body, 5, "Enhanced RTMP video tag");
            var fourCc = BinaryPrimitives.ReadUInt32BigEndian(body[1..]);
            if (fourCc != 0x61766331)
            {
                throw new RtmpProtocolException($"Enhanced RTMP video codec '{FourCcText(body.Slice(1, 4))}' is not supported (H.264 'avc1' only).");
            }

            switch (packetType)
            {
                case 0:
                    return SetVideoConfig(body[5..]);
                case 1:
                    Need(body, 8, "Enhanced RTMP coded frame");
                    compositionTime = ReadInt24(body[5..]);
                    dataStart = 8;
                    break;
                case 3:
                    compositionTime = 0;
                    dataStart = 5;
                    break;
                case 2:
                    return default;
                default:
                    throw new RtmpProtocolException($"Enhanced RTMP video packet type {packetType} is not supported.");
            }
        }
        else
        {
            frameType = header >> 4;
            var codecId = header & 0x0F;
            if (frameType == 5)
            {
                return default; // video info / command frame
            }

            if (codecId != 7)
            {
                throw new RtmpProtocolException($"FLV video codec id {codecId} is not supported (7, AVC, only).");
            }

            Need(body, 5, "AVC video tag");
            packetType = body[1];
            switch (packetType)
            {
                case 0:
                    return SetVideoConfig(body[5..]);
                case 1:
                    compositionTime = ReadInt24(body[2..]);
                    dataStart = 5;
                    break;
                case 2:
                    return default; // end of sequence
                default:
                    throw new RtmpProtocolException($"AVC packet type {packetType} is invalid.");
            }
        }

        if (_video is null)
        {
            throw new RtmpProtocolException("video before AVC sequence header");
        }

        var data = tag[dataStart..];
        if (data.IsEmpty)
        {
            return default;
        }

        var payload = ToFourByteLengths(data, _nalLengthSize);
        var dts = _videoClock.Next(timestamp) * (VideoTimescale / 1000);
        var pts = dts + ((long)compositionTime * (VideoTimescale / 1000));
        return new FlvMediaEvent(Unit: new AccessUnit(TrackKind.Video, dts, pts, frameType == 1, payload));
    }

    /// <summary>Maps an audio tag body. A returned unit's data is a slice of <paramref name="tag"/>.</summary>
    /// <param name="timestamp">The message's RTMP timestamp (milliseconds, wrapping).</param>
    /// <param name="tag">The message body.</param>
    public FlvMediaEvent MapAudio(uint timestamp, ReadOnlyMemory<byte> tag)
    {
        var body = tag.Span;
        if (body.IsEmpty)
        {
            return default;
        }

        var soundFormat = body[0] >> 4;
        if (soundFormat != 10)
        {
            return new FlvMediaEvent(Ignored: $"FLV sound format {soundFormat} is not stored (AAC, 10, only)");
        }

        Need(body, 2, "AAC audio tag");
        switch (body[1])
        {
            case 0:
            {
                AudioSpecificConfig config;
                try
                {
                    config = AudioSpecificConfig.Parse(body[2..]);
                }
                catch (InvalidDataException e)
                {
                    throw new RtmpProtocolException($"AAC sequence header: {e.Message}");
                }

                // Channel configuration 0 defers to a program config element; the FLV header's mono/stereo bit stands in.
                var channels = config.ChannelCount > 0 ? config.ChannelCount : (body[0] & 1) + 1;
                var rate = config.SamplingFrequency;
                var track = new TrackConfig(TrackKind.Audio, MediaCodec.Aac, rate, body[2..].ToArray(), SampleRate: rate, Channels: channels);
                if (track.SameDecoderSetup(_audio))
                {
                    return default;
                }

                _audio = track;
                return new FlvMediaEvent(Config: track);
            }

            case 1:
            {
                if (_audio is null)
                {
                    throw new RtmpProtocolException("audio before AAC sequence header");
                }

                if (body.Length == 2)
                {
                    return default;
                }

                var ms = _audioClock.Next(timestamp);
                var dts = ms * _audio.Timescale / 1000;
                return new FlvMediaEvent(Unit: new AccessUnit(TrackKind.Audio, dts, dts, true, tag[2..]));
            }

            default:
                throw new RtmpProtocolException($"AAC packet type {body[1]} is invalid.");
        }
    }

    private FlvMediaEvent SetVideoConfig(ReadOnlySpan<byte> avcC)
    {
        AvcDecoderConfiguration parsed;
        SequenceParameterSet sps;
        try
        {
            parsed = AvcDecoderConfiguration.Parse(avcC);
            sps = parsed.ParseSequenceParameterSet();
        }
        catch (InvalidDataException e)
        {
            throw new RtmpProtocolException($"AVC sequence header: {e.Message}");
        }

        // Access units carry 4-byte NAL lengths (MediaCodec.H264); a record declaring shorter ones is rewritten to match.
        var record = parsed.NalLengthSize == 4 ? avcC.ToArray() : parsed.WithNalLengthSize(4).ToBytes();
        var track = new TrackConfig(TrackKind.Video, MediaCodec.H264, VideoTimescale, record, sps.Width, sps.Height);
        _nalLengthSize = parsed.NalLengthSize;
        if (track.SameDecoderSetup(_video))
        {
            return default; // encoders repeat the sequence header; only a change matters
        }

        _video = track;
        return new FlvMediaEvent(Config: track);
    }

    /// <summary>
    /// Checks every NAL length; 4-byte lengths are passed through as they are (no copy), shorter ones are widened to
    /// 4 bytes in a new buffer.
    /// </summary>
    private static ReadOnlyMemory<byte> ToFourByteLengths(ReadOnlyMemory<byte> memory, int lengthSize)
    {
        var data = memory.Span;
        var total = 0;
        for (var pos = 0; pos < data.Length;)
        {
            if (data.Length - pos < lengthSize)
            {
                throw new RtmpProtocolException("AVC NAL unit length truncated.");
            }

            var length = lengthSize switch
            {
                1 => data[pos],
                2 => BinaryPrimitives.ReadUInt16BigEndian(data[pos..]),
                _ => BinaryPrimitives.ReadUInt32BigEndian(data[pos..]),
            };
            pos += lengthSize;
            if (length > (uint)(data.Length - pos))
            {
                throw new RtmpProtocolException($"AVC NAL unit of {length} bytes overruns its tag ({data.Length - pos} bytes left).");
            }

            pos += (int)length;
            total += 4 + (int)length;
        }

        if (lengthSize == 4)
        {
            return memory;
        }

        var output = new byte[total];
        var written = 0;
        for (var pos = 0; pos < data.Length;)
        {
            var length = lengthSize == 1 ? data[pos] : BinaryPrimitives.ReadUInt16BigEndian(data[pos..]);
            pos += lengthSize;
            BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(written), (uint)length);
            data.Slice(pos, length).CopyTo(output.AsSpan(written + 4));
            pos += length;
            written += 4 + length;
        }

        return output;
    }

    private static void Need(ReadOnlySpan<byte> body, int length, string what)
    {
        if (body.Length < length)
        {
            throw new RtmpProtocolException($"{what} of {body.Length} bytes is truncated ({length} needed).");
        }
    }

    private static int ReadInt24(ReadOnlySpan<byte> span) => ((span[0] << 24) | (span[1] << 16) | (span[2] << 8)) >> 8;

    private static string FourCcText(ReadOnlySpan<byte> bytes)
    {
        Span<char> chars = stackalloc char[4];
        for (var i = 0; i < 4; i++)
        {
            chars[i] = bytes[i] is >= 0x20 and < 0x7F ? (char)bytes[i] : '?';
        }

        return new string(chars);
    }

    /// <summary>One track's RTMP milliseconds unwrapped onto a non-decreasing 64-bit timeline.</summary>
    private sealed class TrackClock(string track)
    {
        private bool _started;
        private uint _last;
        private long _milliseconds;
        private long _emitted;

        public long Next(uint timestamp)
        {
            if (!_started)
            {
                _started = true;
                _last = timestamp;
                _milliseconds = timestamp;
                _emitted = timestamp;
                return timestamp;
            }

            _milliseconds += unchecked((int)(timestamp - _last));
            _last = timestamp;
            if (_milliseconds < _emitted)
            {
                if (_emitted - _milliseconds > MaxBackwardsMilliseconds)
                {
                    throw new RtmpProtocolException($"{track} timestamps went backwards by {_emitted - _milliseconds} ms.");
                }

                return _emitted;
            }

            _emitted = _milliseconds;
            return _milliseconds;
        }
    }
}
